import type { MemberInfo, Policy, ServiceInfo, Ticket } from '@allmende/protocol';

/**
 * What the viewer may do with a ticket, as the server decides it: the requester closes,
 * resolves, reopens and makes private; the service's stewards and deputies and the oversight
 * group change anything; a public ticket that no steward looks after, any member. The page only
 * offers what the server would accept, and the server checks again.
 */
export type TicketRights = {
  /** Change status, priority, labels; take the ticket. */
  handle: boolean;
  requester: boolean;
  /** Read and write private comments. */
  seePrivate: boolean;
};

export const NO_RIGHTS: TicketRights = { handle: false, requester: false, seePrivate: false };

/** The oversight group: those the policy names, else every active member with an age key. */
export function oversightGroup(policy: Policy, members: readonly MemberInfo[]): string[] {
  const active = members.filter((m) => m.status === 'active');
  if (policy.oversight !== null) {
    const named = policy.oversight;
    return active.filter((m) => named.includes(m.handle)).map((m) => m.handle);
  }
  return active
    .filter((m) => m.keys.some((k) => k.key.kind === 'age' && k.revokedAt === null))
    .map((m) => m.handle);
}

export function ticketRights(
  viewer: string | undefined,
  ticket: Ticket,
  service: ServiceInfo | undefined,
  oversight: readonly string[],
): TicketRights {
  if (viewer === undefined) return NO_RIGHTS;
  const requester = ticket.requester === viewer;
  const steward = service?.stewards.some((s) => s.handle === viewer) ?? false;
  const overseer = oversight.includes(viewer);
  const unlooked = !ticket.private && (service?.stewards.length ?? 0) === 0;
  return {
    handle: steward || overseer || unlooked,
    requester,
    seePrivate: requester || steward || overseer,
  };
}
