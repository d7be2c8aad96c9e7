import {
  isMemberStatement,
  type MemberKey,
  type Sensitivity,
  type Statement,
  type StatementOf,
  type SubmittedStatement,
} from '@allmende/protocol';
import { applyAccessStatement, isAccessCoopStatement, planAccessStatement } from './access.ts';
import { RuleViolation, type Rule } from './errors.ts';
import type { Signers } from './signatures.ts';
import {
  activeMember,
  activeMembers,
  isSigningKey,
  keyIdOf,
  lookup,
  newMember,
  type CoopState,
  type MemberRecord,
  type ServiceRecord,
} from './state.ts';

/**
 * One condition of consent that is not met yet, for people and for programs: a count of
 * signatures (`have` of `need`), or the signature of someone in particular (`signers`, any one
 * of them).
 */
export type MissingConsent = {
  rule: Rule;
  text: string;
  have?: number;
  need?: number;
  signers?: string[];
};

/** One condition of consent, and whether the signatures meet it. */
type Need = MissingConsent & { met: boolean };

/** What a statement would do: the consent it needs, and the change once it is accepted. */
type Plan = { needs: Need[]; commit: (index: number) => void };

/** Whether a statement's signatures carry the consent its rules require, in words for people. */
export type ConsentReport = {
  satisfied: boolean;
  missing: MissingConsent[];
  signers: string[];
};

/**
 * Checks a member statement against the state before it, given who signed it (see
 * verifySignatures): the statement must make sense (the member exists, the handle is free …)
 * and carry the consent the rules in force require.
 *
 * @throws {RuleViolation} when the statement can never be accepted in this state; missing
 *   consent is reported, not thrown, so that a proposal can collect it.
 */
export function evaluateStatement(
  state: CoopState,
  statement: SubmittedStatement,
  signers: Signers,
): ConsentReport {
  const { needs } = plan(state, statement, signers);
  const missing = needs.filter((n) => !n.met).map(({ met: _, ...rest }) => rest);
  return { satisfied: missing.length === 0, missing, signers: [...signers.keys()] };
}

/**
 * Applies a statement at log index `index`: checks it as evaluateStatement does, refuses it if
 * any consent is missing, and only then changes `state` — a refused statement changes nothing.
 *
 * @throws {RuleViolation} for the first rule the statement breaks.
 */
export function applyStatement(
  state: CoopState,
  statement: SubmittedStatement | Statement,
  index: number,
  signers: Signers,
): void {
  apply(state, statement, index, signers, undefined);
}

/**
 * For an audit of the log: applies a statement the log holds at `index` although it may lack
 * the consent its rules require (or, for cert.issued and cert.revoked, break the rules the CA
 * must keep), since the log says it happened and later statements rely on it. Returns what it
 * broke; the state has changed as if it had been accepted. A statement the state cannot take
 * (an unknown member, a request that is not open …) is thrown, and changes nothing.
 *
 * @throws {RuleViolation} when the state cannot take the statement.
 */
export function applyRecordedStatement(
  state: CoopState,
  statement: Statement,
  index: number,
  signers: Signers,
): RuleViolation[] {
  const broken: RuleViolation[] = [];
  apply(state, statement, index, signers, broken);
  return broken;
}

/** With `broken`, rules the state can be changed despite are collected there, not thrown. */
function apply(
  state: CoopState,
  statement: SubmittedStatement | Statement,
  index: number,
  signers: Signers,
  broken: RuleViolation[] | undefined,
): void {
  if (statement.type === 'coop.founded') {
    throw new RuleViolation('statement.genesis', 'coop.founded can only be the first entry');
  }
  // The server's own statements about access follow the rules of access.ts; the others
  // (notices, tickets) change nothing in the cooperative.
  if (isAccessCoopStatement(statement)) {
    applyAccessStatement(state, statement, broken);
    return;
  }
  if (!isMemberStatement(statement)) return;
  const { needs, commit } = plan(state, statement, signers);
  for (const unmet of needs.filter((n) => !n.met)) {
    if (!broken) throw new RuleViolation(unmet.rule, unmet.text);
    broken.push(new RuleViolation(unmet.rule, unmet.text));
  }
  commit(index);
}

const SENSITIVITY_RANK: Record<Sensitivity, number> = {
  public: 0,
  private: 1,
  critical: 2,
};

function plan(state: CoopState, statement: SubmittedStatement, signers: Signers): Plan {
  const actor = statement.actor.slice('member:'.length);
  const signed = (handle: string) => signers.has(handle);
  const members = (except: readonly string[] = []) =>
    [...signers.keys()].filter((h) => !except.includes(h) && activeMember(state, h));
  const needed = (count: number) =>
    activeMembers(state).length < state.policy.governance.smallCooperativeBelow
      ? Math.min(count, 1)
      : count;
  /** At least `count` signatures by active members other than `except`. */
  const quorum = (rule: Rule, count: number, what: string, except: string[] = []): Need => {
    const have = members(except).length;
    return {
      rule,
      met: have >= count,
      text: `${what}: ${have} of ${count}`,
      have,
      need: count,
    };
  };
  const signedBy = (rule: Rule, handle: string, what: string): Need => ({
    rule,
    met: signed(handle),
    text: `the signature of ${handle} ${what}`,
    signers: [handle],
  });
  const actorSigned = signedBy('consent.actor', actor, 'who makes the statement');

  switch (statement.type) {
    case 'member.admitted': {
      const { handle, name, keys } = statement.body;
      if (lookup(state.members, handle)) {
        throw violation('member.handle-taken', `the handle ${handle} is taken`);
      }
      if (actor !== handle) {
        throw violation('statement.actor', 'an admission is stated by the candidate');
      }
      requireNewKeys(state, keys);
      if (!keys.some(isSigningKey)) {
        throw violation(
          'key.no-signing-key',
          'a member needs an SSH key or a passkey to sign with',
        );
      }
      // While the cooperative has no members (founded without founders), its first member
      // needs no vouch: there is nobody who could give one.
      const vouches =
        activeMembers(state).length === 0 ? 0 : needed(state.policy.governance.admission);
      return {
        needs: [
          signedBy('consent.candidate', handle, '(the candidate, with a key of the admission)'),
          quorum('consent.vouches', vouches, 'vouches by members', [handle]),
        ],
        commit(index) {
          state.members[handle] = newMember(handle, name, keys, index);
          for (const key of keys) state.keyHolders[keyIdOf(key)] = handle;
        },
      };
    }
    case 'member.left': {
      const member = requireActive(state, statement.body.handle);
      if (actor !== member.handle) {
        throw violation('statement.actor', 'only the member states that they leave');
      }
      return { needs: [actorSigned], commit: (index) => depart(state, member, 'left', index) };
    }
    case 'member.removed': {
      const member = requireActive(state, statement.body.handle);
      if (actor === member.handle) {
        throw violation('statement.actor', 'a member who goes states member.left');
      }
      return {
        needs: [
          actorSigned,
          quorum(
            'consent.removal',
            needed(state.policy.governance.removal),
            `signatures of members other than ${member.handle}`,
            [member.handle],
          ),
        ],
        commit: (index) => depart(state, member, 'removed', index),
      };
    }
    case 'key.added': {
      const member = requireActive(state, statement.body.handle);
      if (actor !== member.handle) {
        throw violation('statement.actor', 'a member adds keys only to themselves');
      }
      requireNewKeys(state, [statement.body.key]);
      const { key } = statement.body;
      return {
        needs: [signedBy('consent.member', member.handle, 'with one of their current keys')],
        commit(index) {
          member.keys.push({ id: keyIdOf(key), key, addedAt: index, revokedAt: null });
          state.keyHolders[keyIdOf(key)] = member.handle;
        },
      };
    }
    case 'key.revoked': {
      const member = requireActive(state, statement.body.handle);
      const key = member.keys.find((k) => k.id === statement.body.key);
      if (!key)
        throw violation('key.unknown', `${member.handle} holds no key ${statement.body.key}`);
      if (key.revokedAt !== null) {
        throw violation('key.revoked', `the key was revoked at entry ${key.revokedAt}`);
      }
      const byMember = signed(member.handle);
      const others = quorum(
        'consent.key-revocation',
        needed(state.policy.governance.keyRevocation),
        `signatures of members other than ${member.handle} (or ${member.handle}'s own)`,
        [member.handle],
      );
      return {
        needs: [actorSigned, byMember ? { ...others, met: true } : others],
        commit(index) {
          key.revokedAt = index;
        },
      };
    }
    case 'policy.set': {
      const { policy } = statement.body;
      const strangers = (policy.oversight ?? []).filter((h) => !activeMember(state, h));
      if (strangers.length > 0) {
        throw violation('policy.oversight', `not members: ${strangers.join(', ')}`);
      }
      return {
        needs: [
          actorSigned,
          quorum(
            'consent.policy-change',
            needed(state.policy.governance.policyChange),
            'signatures of members for a policy change',
          ),
        ],
        commit(index) {
          state.policy = policy;
          state.policySetAt = index;
        },
      };
    }
    case 'service.created': {
      const { slug, ...fields } = statement.body;
      if (lookup(state.services, slug))
        throw violation('service.slug-taken', `there is already a service ${slug}`);
      requireMember(state, actor);
      requireHosts(state, fields.hosts);
      return {
        needs: [actorSigned],
        commit(index) {
          state.services[slug] = { slug, ...fields, stewards: [], createdAt: index };
        },
      };
    }
    case 'service.updated': {
      const { slug, ...changes } = statement.body;
      const service = requireService(state, slug);
      requireMember(state, actor);
      requireHosts(state, changes.hosts ?? []);
      const needs = [actorSigned, stewardConsent(state, service, signers)];
      if (
        changes.sensitivity &&
        SENSITIVITY_RANK[changes.sensitivity] < SENSITIVITY_RANK[service.sensitivity]
      ) {
        needs.push(
          quorum(
            'consent.policy-change',
            needed(state.policy.governance.policyChange),
            `signatures of members to lower ${slug} to ${changes.sensitivity}`,
          ),
        );
      }
      return {
        needs,
        commit() {
          Object.assign(service, changes);
        },
      };
    }
    case 'steward.assigned': {
      const { handle, role } = statement.body;
      const service = requireService(state, statement.body.service);
      if (service.status === 'retired') {
        throw violation('service.retired', `${service.slug} is retired`);
      }
      requireActive(state, handle);
      if (service.stewards.some((s) => s.handle === handle && s.role === role)) {
        throw violation('steward.role', `${handle} is already ${role} of ${service.slug}`);
      }
      return {
        needs: [
          actorSigned,
          signedBy('consent.assignee', handle, `(who accepts the role of ${role})`),
          stewardConsent(state, service, signers, 'steward'),
        ],
        commit() {
          service.stewards = [
            ...service.stewards.filter((s) => s.handle !== handle),
            { handle, role },
          ];
        },
      };
    }
    case 'steward.handed-over': {
      const { from, to } = statement.body;
      const service = requireService(state, statement.body.service);
      const role = service.stewards.find((s) => s.handle === from)?.role;
      if (!role) throw violation('steward.role', `${from} looks after nothing of ${service.slug}`);
      if (from === to) throw violation('steward.role', 'a handover goes to someone else');
      requireActive(state, to);
      return {
        needs: [
          actorSigned,
          signedBy('consent.handover', from, 'who hands over'),
          signedBy('consent.handover', to, 'who takes over'),
        ],
        commit() {
          service.stewards = service.stewards
            .filter((s) => s.handle !== to)
            .map((s) => (s.handle === from ? { handle: to, role } : s));
        },
      };
    }
    case 'steward.resigned': {
      const { handle } = statement.body;
      const service = requireService(state, statement.body.service);
      if (!service.stewards.some((s) => s.handle === handle)) {
        throw violation('steward.role', `${handle} looks after nothing of ${service.slug}`);
      }
      return {
        needs: [actorSigned, signedBy('consent.member', handle, 'who resigns')],
        commit() {
          service.stewards = service.stewards.filter((s) => s.handle !== handle);
        },
      };
    }
    case 'steward.away': {
      const member = requireActive(state, statement.body.handle);
      const { away, until } = statement.body;
      return {
        needs: [actorSigned, signedBy('consent.member', member.handle, 'who is away')],
        commit() {
          member.away = away;
          member.awayUntil = away ? (until ?? null) : null;
        },
      };
    }
    case 'host.added': {
      const { name, ...fields } = statement.body;
      if (lookup(state.hosts, name))
        throw violation('host.name-taken', `there is already a host ${name}`);
      requireMember(state, actor);
      return {
        needs: [actorSigned],
        commit(index) {
          state.hosts[name] = { name, ...fields, addedAt: index };
        },
      };
    }
    case 'access.requested':
    case 'access.approved':
    case 'access.denied':
    case 'access.withdrawn':
      return planAccessStatement(state, statement, signers);
    case 'host.updated': {
      const { name, ...changes } = statement.body;
      const host = lookup(state.hosts, name);
      if (!host) throw violation('host.unknown', `there is no host ${name}`);
      requireMember(state, actor);
      return {
        needs: [actorSigned],
        commit() {
          Object.assign(host, changes);
        },
      };
    }
  }
}

function violation(rule: Rule, message: string): RuleViolation {
  return new RuleViolation(rule, message);
}

function requireActive(state: CoopState, handle: string): MemberRecord {
  const member = lookup(state.members, handle);
  if (!member) throw violation('member.unknown', `there is no member ${handle}`);
  if (member.status !== 'active') {
    throw violation('member.inactive', `${handle} is no longer a member (${member.status})`);
  }
  return member;
}

function requireMember(state: CoopState, handle: string): void {
  requireActive(state, handle);
}

function requireService(state: CoopState, slug: string): ServiceRecord {
  const service = lookup(state.services, slug);
  if (!service) throw violation('service.unknown', `there is no service ${slug}`);
  return service;
}

function requireHosts(state: CoopState, hosts: readonly string[]): void {
  const unknown = hosts.filter((h) => !lookup(state.hosts, h));
  if (unknown.length > 0) throw violation('host.unknown', `no such host: ${unknown.join(', ')}`);
}

/** New keys must be new to the cooperative: a key that ever belonged to one member stays theirs. */
function requireNewKeys(state: CoopState, keys: readonly MemberKey[]): void {
  const ids = keys.map(keyIdOf);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw violation('key.in-use', `the key ${repeated} is listed twice`);
  const held = ids.find((id) => lookup(state.keyHolders, id));
  if (held) throw violation('key.in-use', `the key ${held} belongs to ${state.keyHolders[held]}`);
}

/**
 * A service's own people consent to changes of it: one of its stewards (or, with `role`
 * undefined, deputies too; with no steward left, its deputies stand in). A service nobody looks
 * after yet needs no such signature.
 */
function stewardConsent(
  state: CoopState,
  service: ServiceRecord,
  signers: Signers,
  role?: 'steward',
): Need {
  const active = service.stewards.filter((s) => activeMember(state, s.handle));
  const stewards = active.filter((s) => s.role === 'steward');
  const keepers = (role && stewards.length > 0 ? stewards : active).map((s) => s.handle);
  return {
    rule: 'consent.steward',
    met: keepers.length === 0 || keepers.some((h) => signers.has(h)),
    text: `the signature of a ${role ?? 'steward or deputy'} of ${service.slug} (${keepers.join(', ')})`,
    signers: keepers,
  };
}

function depart(
  state: CoopState,
  member: MemberRecord,
  status: 'left' | 'removed',
  index: number,
): void {
  member.status = status;
  member.leftAt = index;
  member.away = false;
  member.awayUntil = null;
  for (const service of Object.values(state.services)) {
    service.stewards = service.stewards.filter((s) => s.handle !== member.handle);
  }
}

/**
 * Checks the genesis and returns nothing; foundedState builds the state from it.
 *
 * @throws {RuleViolation} statement.genesis if founders repeat a handle or a key, or a founder
 *   has no key to sign with.
 */
export function checkGenesis(genesis: StatementOf<'coop.founded'>): void {
  const handles = new Set<string>();
  const keys = new Set<string>();
  for (const founder of genesis.body.founders) {
    if (handles.has(founder.handle)) {
      throw violation('statement.genesis', `the founder ${founder.handle} is named twice`);
    }
    handles.add(founder.handle);
    if (!founder.keys.some(isSigningKey)) {
      throw violation('statement.genesis', `the founder ${founder.handle} has no key to sign with`);
    }
    for (const key of founder.keys) {
      const id = keyIdOf(key);
      if (keys.has(id)) throw violation('statement.genesis', `the key ${id} is named twice`);
      keys.add(id);
    }
  }
}
