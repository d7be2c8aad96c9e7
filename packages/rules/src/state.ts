import { encodeBase64, tryDecodeBase64 } from '@allmende/bytes';
import type {
  AccessPolicy,
  MemberKey,
  Policy,
  Sensitivity,
  ServiceStatus,
  StatementOf,
  StewardRole,
} from '@allmende/protocol';
import { sha256 } from '@allmende/tlog';
import { emptyAccess, type AccessState } from './access.ts';

/**
 * The cooperative as the log has made it so far: members and their keys, services and their
 * stewards, hosts, the policy. Plain JSON, so that a server can keep a snapshot of it. Every
 * record notes the log entry that created or changed it.
 */
export type CoopState = {
  name: string;
  origin: string;
  url: string;
  logKey: string;
  policy: Policy;
  policySetAt: number;
  members: Record<string, MemberRecord>;
  services: Record<string, ServiceRecord>;
  hosts: Record<string, HostRecord>;
  /** Every key ever held, by key ID, and its holder: a key belongs to one member for good. */
  keyHolders: Record<string, string>;
  /** The CA, and the access requests that are still alive (access.ts). */
  access: AccessState;
};

export type KeyRecord = { id: string; key: MemberKey; addedAt: number; revokedAt: number | null };

export type MemberStatus = 'active' | 'left' | 'removed';
export type MemberRecord = {
  handle: string;
  name: string;
  status: MemberStatus;
  admittedAt: number;
  leftAt: number | null;
  away: boolean;
  awayUntil: string | null;
  keys: KeyRecord[];
};

export type StewardRecord = { handle: string; role: StewardRole };
export type ServiceRecord = {
  slug: string;
  name: string;
  description: string;
  sensitivity: Sensitivity;
  status: ServiceStatus;
  addresses: string[];
  docPage: string | null;
  hosts: string[];
  stewards: StewardRecord[];
  createdAt: number;
};

export type HostRecord = {
  name: string;
  address: string;
  provider: string;
  location: string;
  monthlyCost: { amount: number; currency: string };
  addedAt: number;
};

/**
 * The record under `key`, if there is one of its own: handles such as "constructor" must not
 * find what Object.prototype holds.
 */
export function lookup<T>(records: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(records, key) ? records[key] : undefined;
}

/**
 * How statements name a key: an SSH key by its SHA-256 fingerprint as ssh-keygen -l prints it,
 * a passkey by its credential ID, an age recipient by itself.
 */
export function keyIdOf(key: MemberKey): string {
  switch (key.kind) {
    case 'ssh':
      // The base64 part of a canonical key line is the wire-format key blob.
      return sshKeyId(tryDecodeBase64(key.publicKey.split(' ')[1] ?? '') ?? new Uint8Array());
    case 'passkey':
      return `passkey:${key.credentialId}`;
    case 'age':
      return key.recipient;
  }
}

/** The ID of an SSH key from its wire blob: its fingerprint, as `ssh-keygen -l` prints it. */
export function sshKeyId(blob: Uint8Array): string {
  return `SHA256:${encodeBase64(sha256(blob)).replace(/=+$/, '')}`;
}

/** Keys that can sign statements (SSH keys and passkeys); age recipients only receive. */
export function isSigningKey(key: MemberKey): boolean {
  return key.kind !== 'age';
}

export function currentKeys(member: MemberRecord): KeyRecord[] {
  return member.keys.filter((k) => k.revokedAt === null);
}

export function activeMembers(state: CoopState): MemberRecord[] {
  return Object.values(state.members).filter((m) => m.status === 'active');
}

export function activeMember(state: CoopState, handle: string): MemberRecord | undefined {
  const member = lookup(state.members, handle);
  return member?.status === 'active' ? member : undefined;
}

/** Who answers for a service now: the first steward not away, else the first deputy not away. */
export function responsibleFor(state: CoopState, service: ServiceRecord): string | null {
  for (const role of ['steward', 'deputy'] as const) {
    const present = service.stewards.find(
      (s) => s.role === role && activeMember(state, s.handle)?.away === false,
    );
    if (present) return present.handle;
  }
  return null;
}

/** The members whose age recipients sealed data is encrypted to, and who may open it. */
export function oversightGroup(state: CoopState): string[] {
  const named = state.policy.oversight;
  return activeMembers(state)
    .filter((m) =>
      named === null ? currentKeys(m).some((k) => k.key.kind === 'age') : named.includes(m.handle),
    )
    .map((m) => m.handle);
}

/** The access policy for a host: that of the most sensitive service on it. */
export function accessPolicyForHost(state: CoopState, host: string): AccessPolicy {
  const order: Sensitivity[] = ['critical', 'private', 'public'];
  const on = Object.values(state.services).filter(
    (s) => s.status !== 'retired' && s.hosts.includes(host),
  );
  const level = order.find((l) => on.some((s) => s.sensitivity === l)) ?? 'public';
  return state.policy.access[level];
}

/** The state right after the genesis: its founders are members, its policy is in force. */
export function foundedState(genesis: StatementOf<'coop.founded'>): CoopState {
  const { name, origin, url, logKey, founders, policy } = genesis.body;
  const state: CoopState = {
    name,
    origin,
    url,
    logKey,
    policy,
    policySetAt: 0,
    members: {},
    services: {},
    hosts: {},
    keyHolders: {},
    access: emptyAccess(),
  };
  for (const founder of founders) {
    state.members[founder.handle] = newMember(founder.handle, founder.name, founder.keys, 0);
    for (const key of founder.keys) state.keyHolders[keyIdOf(key)] = founder.handle;
  }
  return state;
}

export function newMember(
  handle: string,
  name: string,
  keys: readonly MemberKey[],
  index: number,
): MemberRecord {
  return {
    handle,
    name,
    status: 'active',
    admittedAt: index,
    leftAt: null,
    away: false,
    awayUntil: null,
    keys: keys.map((key) => ({ id: keyIdOf(key), key, addedAt: index, revokedAt: null })),
  };
}
