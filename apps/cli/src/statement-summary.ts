import type { MemberKey, Policy, SignedPart } from '@allmende/protocol';
import { shown } from './cli.ts';
import { formatCost } from './cost.ts';
import { keyId } from './member-keys.ts';

// What a member is asked to sign, in words: built from the statement itself, never from text
// the server adds, so that the summary shows exactly what the signature will cover.

/** One line per fact; the first says who does what. */
export async function summarizeStatement(
  part: SignedPart,
  context: { policy?: Policy } = {},
): Promise<string[]> {
  const actor = part.actor.slice('member:'.length);
  const lines = await describe(part, actor, context);
  return lines.map(shown);
}

async function describe(
  part: SignedPart,
  actor: string,
  context: { policy?: Policy },
): Promise<string[]> {
  switch (part.type) {
    case 'member.admitted': {
      const { handle, name, keys, invitation } = part.body;
      return [
        `${handle} asks to be admitted as a member, named "${name}"`,
        ...(await Promise.all(keys.map(async (key) => `  with key ${await describeKey(key)}`))),
        invitation
          ? `  answering invitation ${invitation.slice(0, 16)}…`
          : '  without an invitation',
      ];
    }
    case 'member.left':
      return [`${part.body.handle} leaves the cooperative`, ...reason(part.body.reason)];
    case 'member.removed':
      return [
        `${actor} proposes to remove the member ${part.body.handle}`,
        ...reason(part.body.reason),
      ];
    case 'key.added':
      return [`${actor} adds the key ${await describeKey(part.body.key)} to ${part.body.handle}`];
    case 'key.revoked':
      return [
        `${actor} revokes the key ${part.body.key} of ${part.body.handle}`,
        ...reason(part.body.reason),
      ];
    case 'policy.set': {
      const changes = context.policy ? policyChanges(context.policy, part.body.policy) : [];
      return [
        `${actor} sets the cooperative's policy`,
        ...(context.policy === undefined
          ? flatten(part.body.policy).map(([path, value]) => `  ${path} = ${value}`)
          : changes.length === 0
            ? ['  (no change to the current policy)']
            : changes),
      ];
    }
    case 'service.created': {
      const b = part.body;
      return [
        `${actor} creates the service ${b.slug} "${b.name}" (${b.sensitivity}, ${b.status})`,
        ...fields({
          description: b.description || undefined,
          addresses: b.addresses.join(', ') || undefined,
          hosts: b.hosts.join(', ') || undefined,
          documentation: b.docPage ?? undefined,
        }),
      ];
    }
    case 'service.updated': {
      const { slug, ...changed } = part.body;
      return [`${actor} changes the service ${slug}`, ...changedFields(changed)];
    }
    case 'steward.assigned':
      return [
        `${actor} makes ${part.body.handle} ${part.body.role} of the service ${part.body.service}`,
      ];
    case 'steward.handed-over':
      return [
        `${actor} hands the service ${part.body.service} over from ${part.body.from} to ${part.body.to}`,
      ];
    case 'steward.resigned':
      return [`${part.body.handle} resigns as steward of the service ${part.body.service}`];
    case 'steward.away':
      return [
        part.body.away
          ? `${part.body.handle} is away${part.body.until ? ` until ${part.body.until}` : ''}: deputies answer`
          : `${part.body.handle} is back`,
      ];
    case 'host.added': {
      const b = part.body;
      return [
        `${actor} adds the host ${b.name} at ${b.address}`,
        ...fields({
          provider: b.provider,
          location: b.location,
          cost: `${formatCost(b.monthlyCost)} a month`,
        }),
      ];
    }
    case 'host.updated': {
      const { name, monthlyCost, ...changed } = part.body;
      return [
        `${actor} changes the host ${name}`,
        ...changedFields({
          ...changed,
          ...(monthlyCost && { cost: `${formatCost(monthlyCost)} a month` }),
        }),
      ];
    }
    case 'access.requested': {
      const b = part.body;
      return [
        `${actor} requests access to the host ${b.host} as ${b.login} for ${b.minutes} minutes`,
        ...fields({
          ticket: `#${b.ticket}`,
          reason: b.reason,
          command: b.command ?? '(an interactive session)',
          key: `ssh-ed25519 ${b.key} (to be certified)`,
        }),
        '  (the reason and the command go into the public log)',
      ];
    }
    case 'access.approved':
      return [
        `${actor} approves access request ${part.body.request}`,
        `  request digest: ${part.body.digest}`,
      ];
    case 'access.denied':
      return [
        `${actor} denies access request ${part.body.request}`,
        `  request digest: ${part.body.digest}`,
        ...reason(part.body.reason),
      ];
    case 'access.withdrawn':
      return [
        `${actor} withdraws access request ${part.body.request} (a certificate issued for it is revoked)`,
        `  request digest: ${part.body.digest}`,
        ...reason(part.body.reason),
      ];
  }
}

function reason(text: string | undefined): string[] {
  return text ? [`  reason: ${text}`] : [];
}

function fields(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `  ${name}: ${value}`);
}

function changedFields(values: Record<string, unknown>): string[] {
  return Object.entries(values).map(
    ([name, value]) =>
      `  ${name} → ${
        value === null
          ? '(none)'
          : Array.isArray(value)
            ? value.join(', ') || '(none)'
            : typeof value === 'string'
              ? value
              : JSON.stringify(value)
      }`,
  );
}

async function describeKey(key: MemberKey): Promise<string> {
  switch (key.kind) {
    case 'ssh':
      return `ssh-ed25519 ${await keyId(key)}`;
    case 'passkey':
      return `passkey ${key.label ? `"${key.label}" ` : ''}${key.credentialId.slice(0, 16)}…`;
    case 'age':
      return `age ${key.recipient}`;
  }
}

/** A policy as path = value lines, e.g. "governance.admission = 2". */
function flatten(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) =>
      flatten(inner, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  return [[prefix, value === null ? '(every member with an age key)' : JSON.stringify(value)]];
}

function policyChanges(before: Policy, after: Policy): string[] {
  const old = new Map(flatten(before));
  return flatten(after)
    .filter(([path, value]) => old.get(path) !== value)
    .map(([path, value]) => `  ${path}: ${old.get(path) ?? '(unset)'} → ${value}`);
}
