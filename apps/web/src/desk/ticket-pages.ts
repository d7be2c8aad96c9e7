import type { TicketList, TicketStatus } from '@allmende/protocol';
import { fetchTickets, type TicketFilter } from '../api/desk.ts';

/** The statuses of a ticket that still needs someone. */
export const ACTIVE_STATUSES = ['new', 'open', 'waiting'] as const satisfies TicketStatus[];

/** Where a ticket may go from each status, as the server allows it. */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'waiting', 'resolved', 'closed'],
  open: ['waiting', 'resolved', 'closed'],
  waiting: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

/** The status filter: one status, any, or all that are not done yet. */
export type StatusChoice = TicketStatus | 'active' | 'any';

/**
 * The newest `limit` tickets of several lists that are each newest first and each hold their
 * own newest `limit`: the merge's first `limit` are then the newest of all of them together.
 */
export function mergeNewest(lists: readonly TicketList[], limit: number): TicketList {
  const seen = new Set<number>();
  const all = lists
    .flatMap((list) => list.tickets)
    .filter((ticket) => !seen.has(ticket.id) && seen.add(ticket.id))
    .sort((a, b) => b.id - a.id);
  const tickets = all.slice(0, limit);
  const more = all.length > limit || lists.some((list) => list.next !== null);
  const last = tickets.at(-1);
  return { tickets, next: more && last ? last.id : null };
}

/**
 * One page of tickets. The API filters by one status at a time, so "not done yet" asks once
 * per status and merges the answers.
 */
export async function fetchTicketPage(
  filter: TicketFilter,
  status: StatusChoice,
  signal?: AbortSignal,
): Promise<TicketList> {
  const limit = filter.limit ?? 50;
  if (status === 'any') return fetchTickets({ ...filter, limit }, signal);
  if (status !== 'active') return fetchTickets({ ...filter, status, limit }, signal);
  const lists = await Promise.all(
    ACTIVE_STATUSES.map((s) => fetchTickets({ ...filter, status: s, limit }, signal)),
  );
  return mergeNewest(lists, limit);
}
