import { bytesEqual, encodeHex, tryDecodeBase64 } from '@allmende/bytes';
import {
  signedPartOf,
  statementDigest,
  type AccessPolicy,
  type RevocationReason,
  type StatementOf,
  type SubmittedStatement,
} from '@allmende/protocol';
import {
  parseCertificate,
  parsePublicKey,
  verifyCertificate,
  type SshCertificate,
} from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import type { MissingConsent } from './apply.ts';
import type { Prechecks } from './prechecks.ts';
import { RuleViolation, type Rule } from './errors.ts';
import type { Signers } from './signatures.ts';
import {
  accessPolicyForHost,
  activeMember,
  activeMembers,
  lookup,
  sshKeyId,
  type CoopState,
} from './state.ts';

// Privileged access to a host (DESIGN.md, "The life of a privileged action"): a member requests
// it, other members approve by signing, and the CA's certificate must match the request and
// approvals that the log holds. The state keeps only requests that are still alive — pending,
// or certified and not yet revoked — so that it stays small however long the log grows.

export type AccessApproval = {
  handle: string;
  /** The log index of the `access.approved` entry. */
  index: number;
  /** The keys its signature was made with: revoking one of them takes the approval back. */
  keys: string[];
};

export type AccessRecord = {
  index: number;
  /** SHA-256 (hex) of the request's signed part. */
  digest: string;
  requester: string;
  host: string;
  login: string;
  minutes: number;
  /** The fingerprint of the key to certify. */
  key: string;
  /** `withdrawn`: withdrawn after its certificate was issued, until `cert.revoked`. */
  status: 'pending' | 'issued' | 'withdrawn';
  approvals: AccessApproval[];
  certificate: { serial: number; validAfter: string; validBefore: string } | null;
};

export type AccessState = {
  /** The CA's public key line, once `ca.created` announced it. */
  ca: string | null;
  /** The highest serial issued: serials only grow, so no two certificates share one. */
  lastSerial: number;
  /** Live requests by the log index of their `access.requested` entry. */
  requests: Record<string, AccessRecord>;
};

export function emptyAccess(): AccessState {
  return { ca: null, lastSerial: 0, requests: {} };
}

/** The key ID of the certificate for request `index`: sshd logs it with every login. */
export function accessKeyId(origin: string, index: number): string {
  return `request-${index}@${origin}`;
}

/** The digest that approvals name: SHA-256 (hex) of the request's signed part. */
export function requestDigest(statement: SubmittedStatement): string {
  return encodeHex(statementDigest(signedPartOf(statement)));
}

type Need = MissingConsent & { met: boolean };
type Plan = { needs: Need[]; commit: (index: number) => void };

function violation(rule: Rule, message: string): RuleViolation {
  return new RuleViolation(rule, message);
}

/** Who looks after the services on a host: its stewards and deputies who are members. */
export function stewardsOfHost(state: CoopState, host: string): string[] {
  const handles = Object.values(state.services)
    .filter((s) => s.status !== 'retired' && s.hosts.includes(host))
    .flatMap((s) => s.stewards.map((st) => st.handle))
    .filter((h) => activeMember(state, h));
  return [...new Set(handles)].sort();
}

/** What a request still needs: the number of approvals and, where due, a steward's. */
export type AccessConsentReport = {
  satisfied: boolean;
  need: number;
  have: number;
  stewards: string[];
  counted: AccessApproval[];
  missing: string[];
};

/**
 * The approvals of a request that count now, and whether they meet the policy of its host:
 * `approvals` of them, by active members other than the requester, each member once, none made
 * with a key revoked since. If the requester looks after nothing on the host, one of the
 * approvals must be by a steward or deputy of a service on it (if it has any).
 */
export function accessConsent(state: CoopState, record: AccessRecord): AccessConsentReport {
  const policy = accessPolicyForHost(state, record.host);
  const small = activeMembers(state).length < state.policy.governance.smallCooperativeBelow;
  const need = small ? Math.min(policy.approvals, 1) : policy.approvals;
  const counted = record.approvals.filter((a) => approvalCounts(state, record, a));
  const keepers = stewardsOfHost(state, record.host);
  const stewards = keepers.includes(record.requester) ? [] : keepers;
  const stewardMet = stewards.length === 0 || counted.some((a) => stewards.includes(a.handle));
  const missing: string[] = [];
  if (counted.length < need) {
    missing.push(
      `approvals by members other than ${record.requester}: ${counted.length} of ${need}`,
    );
  }
  if (!stewardMet) {
    missing.push(
      `the approval of a steward or deputy of a service on ${record.host} (${stewards.join(', ')})`,
    );
  }
  return {
    satisfied: missing.length === 0,
    need,
    have: counted.length,
    stewards,
    counted,
    missing,
  };
}

function approvalCounts(state: CoopState, record: AccessRecord, approval: AccessApproval): boolean {
  if (approval.handle === record.requester) return false;
  const member = activeMember(state, approval.handle);
  if (!member) return false;
  return approval.keys.every((id) => member.keys.some((k) => k.id === id && k.revokedAt === null));
}

/** Why a certificate that was issued must be revoked now, if it must. */
export function revocationDue(
  state: CoopState,
  record: AccessRecord,
): RevocationReason | undefined {
  if (!record.certificate) return undefined;
  if (record.status === 'withdrawn') return 'withdrawn';
  const member = lookup(state.members, record.requester);
  if (member?.status === 'left') return 'member-left';
  if (member?.status !== 'active') return 'member-removed';
  const key = member.keys.find((k) => k.id === record.key);
  if (!key || key.revokedAt !== null) return 'key-revoked';
  return undefined;
}

function requireRecord(state: CoopState, request: number): AccessRecord {
  const record = lookup(state.access.requests, String(request));
  if (!record) {
    throw violation(
      'access.not-pending',
      `entry ${request} is no access request that is still open`,
    );
  }
  return record;
}

function requireDigest(record: AccessRecord, digest: string): void {
  if (record.digest !== digest) {
    throw violation(
      'access.digest',
      `the digest ${digest.slice(0, 16)}… is not that of request ${record.index}, ${record.digest.slice(0, 16)}…`,
    );
  }
}

function requirePending(record: AccessRecord): void {
  if (record.status !== 'pending') {
    throw violation(
      'access.not-pending',
      `request ${record.index} is ${record.status}, not pending`,
    );
  }
}

/** The plan of a member's access statement (see plan() in apply.ts). */
export function planAccessStatement(
  state: CoopState,
  statement: Extract<
    SubmittedStatement,
    { type: 'access.requested' | 'access.approved' | 'access.denied' | 'access.withdrawn' }
  >,
  signers: Signers,
): Plan {
  const actor = statement.actor.slice('member:'.length);
  const actorSigned: Need = {
    rule: 'consent.actor',
    met: signers.has(actor),
    text: `the signature of ${actor} who makes the statement`,
    signers: [actor],
  };
  const access = state.access;
  switch (statement.type) {
    case 'access.requested': {
      const { host, login, minutes, key } = statement.body;
      const member = activeMember(state, actor);
      if (!member) throw violation('member.inactive', `${actor} is not a member`);
      if (!lookup(state.hosts, host)) throw violation('host.unknown', `there is no host ${host}`);
      const held = member.keys.find((k) => k.id === key);
      if (!held || held.key.kind !== 'ssh' || held.revokedAt !== null) {
        throw violation('access.key', `${key} is not a current SSH key of ${actor}`);
      }
      const policy = accessPolicyForHost(state, host);
      if (minutes > policy.maxCertificateMinutes) {
        throw violation(
          'access.duration',
          `${minutes} minutes is longer than the policy for ${host} allows (${policy.maxCertificateMinutes})`,
        );
      }
      const digest = requestDigest(statement);
      return {
        needs: [actorSigned],
        commit(index) {
          access.requests[String(index)] = {
            index,
            digest,
            requester: actor,
            host,
            login,
            minutes,
            key,
            status: 'pending',
            approvals: [],
            certificate: null,
          };
        },
      };
    }
    case 'access.approved': {
      const record = requireRecord(state, statement.body.request);
      requireDigest(record, statement.body.digest);
      requirePending(record);
      if (actor === record.requester) {
        throw violation('access.self-approval', `${actor} cannot approve their own request`);
      }
      if (record.approvals.some((a) => a.handle === actor)) {
        throw violation(
          'access.approved-twice',
          `${actor} has approved request ${record.index} already`,
        );
      }
      return {
        needs: [actorSigned],
        commit(index) {
          record.approvals.push({ handle: actor, index, keys: [...(signers.get(actor) ?? [])] });
        },
      };
    }
    case 'access.denied': {
      const record = requireRecord(state, statement.body.request);
      requireDigest(record, statement.body.digest);
      requirePending(record);
      if (actor === record.requester) {
        throw violation('statement.actor', 'the requester withdraws a request, others deny it');
      }
      return {
        needs: [actorSigned],
        commit() {
          delete access.requests[String(record.index)];
        },
      };
    }
    case 'access.withdrawn': {
      const record = requireRecord(state, statement.body.request);
      requireDigest(record, statement.body.digest);
      if (actor !== record.requester) {
        throw violation(
          'access.requester',
          `only ${record.requester} withdraws request ${record.index}`,
        );
      }
      if (record.status === 'withdrawn') {
        throw violation('access.not-pending', `request ${record.index} is withdrawn already`);
      }
      return {
        needs: [actorSigned],
        commit() {
          if (record.certificate) record.status = 'withdrawn';
          else delete access.requests[String(record.index)];
        },
      };
    }
  }
}

type AccessCoopType = 'access.expired' | 'ca.created' | 'cert.issued' | 'cert.revoked';
/** One of the server's access statements, with or without its time. */
type AccessCoopStatement = {
  [K in AccessCoopType]: Pick<StatementOf<K>, 'type' | 'body'>;
}[AccessCoopType];
export const ACCESS_COOP_TYPES: ReadonlySet<string> = new Set([
  'access.expired',
  'ca.created',
  'cert.issued',
  'cert.revoked',
]);

export function isAccessCoopStatement(statement: {
  type: string;
}): statement is AccessCoopStatement {
  return ACCESS_COOP_TYPES.has(statement.type);
}

/**
 * Checks one of the server's access statements and applies it at `index`. The certificate of a
 * `cert.issued` must match its request and approvals field by field; its CA signature is checked
 * by {@link verifyIssuedCertificate}, which is asynchronous.
 *
 * With `broken` (an audit of a log that holds the statement), a certificate issued or revoked
 * against the rules is still taken — it exists, sshd may have accepted it — and the rule it
 * broke is added to `broken`; only a statement about no open request is thrown.
 *
 * @throws {RuleViolation} access.* (and member.inactive) for the first rule it breaks.
 */
export function applyAccessStatement(
  state: CoopState,
  statement: AccessCoopStatement,
  broken?: RuleViolation[],
): void {
  const access = state.access;
  const tolerate = (check: () => void) => {
    try {
      check();
    } catch (error) {
      if (!broken || !(error instanceof RuleViolation)) throw error;
      broken.push(error);
    }
  };
  switch (statement.type) {
    case 'ca.created': {
      if (access.ca !== null) throw violation('access.ca-exists', 'the CA was announced already');
      access.ca = statement.body.key;
      return;
    }
    case 'access.expired': {
      const record = requireRecord(state, statement.body.request);
      requirePending(record);
      delete access.requests[String(record.index)];
      return;
    }
    case 'cert.issued': {
      const body = statement.body;
      const record = requireRecord(state, body.request);
      requirePending(record);
      tolerate(() => checkIssued(state, record, body));
      record.status = 'issued';
      record.certificate = {
        serial: body.serial,
        validAfter: body.validAfter,
        validBefore: body.validBefore,
      };
      access.lastSerial = Math.max(access.lastSerial, body.serial);
      // Certificates that ended before this one began are forgotten: nothing can revoke them.
      for (const [key, other] of Object.entries(access.requests)) {
        if (other.certificate && other.certificate.validBefore <= body.validAfter) {
          delete access.requests[key];
        }
      }
      return;
    }
    case 'cert.revoked': {
      const record = requireRecord(state, statement.body.request);
      if (!record.certificate || record.certificate.serial !== statement.body.serial) {
        throw violation(
          'access.not-issued',
          `request ${record.index} has no certificate with serial ${statement.body.serial}`,
        );
      }
      const due = revocationDue(state, record);
      if (due !== statement.body.reason) {
        tolerate(() => {
          throw violation(
            'access.revocation-reason',
            `the certificate of request ${record.index} is not revoked for "${statement.body.reason}"${due ? ` (but for "${due}")` : ''}`,
          );
        });
      }
      delete access.requests[String(record.index)];
      return;
    }
  }
}

function checkIssued(
  state: CoopState,
  record: AccessRecord,
  body: StatementOf<'cert.issued'>['body'],
): void {
  const ca = state.access.ca;
  if (ca === null) throw violation('access.no-ca', 'no CA was announced (ca.created) before');
  const member = activeMember(state, record.requester);
  if (!member) throw violation('member.inactive', `${record.requester} is no longer a member`);
  if (!member.keys.some((k) => k.id === record.key && k.revokedAt === null)) {
    throw violation(
      'access.key',
      `${record.key} is no longer a current key of ${record.requester}`,
    );
  }
  const consent = accessConsent(state, record);
  const listed = new Set(body.approvals);
  const counted = consent.counted.filter((a) => listed.has(a.index));
  if (listed.size !== body.approvals.length || counted.length !== listed.size) {
    throw violation(
      'access.approvals',
      'the certificate names approvals that do not count for its request',
    );
  }
  if (counted.length < consent.need) {
    throw violation(
      'access.approvals',
      `approvals by members other than ${record.requester}: ${counted.length} of ${consent.need}`,
    );
  }
  if (consent.stewards.length > 0 && !counted.some((a) => consent.stewards.includes(a.handle))) {
    throw violation(
      'access.steward',
      consent.missing.at(-1) ?? 'a steward of the host must approve',
    );
  }
  if (body.serial <= state.access.lastSerial) {
    throw violation(
      'access.serial',
      `serial ${body.serial} is not above the last one, ${state.access.lastSerial}`,
    );
  }
  const expected = {
    keyId: accessKeyId(state.origin, record.index),
    principal: record.login,
    key: record.key,
  };
  for (const [field, value] of Object.entries(expected)) {
    if (body[field as keyof typeof expected] !== value) {
      throw violation('access.certificate', `its ${field} is not ${value}`);
    }
  }
  const policy: AccessPolicy = accessPolicyForHost(state, record.host);
  const seconds = (Date.parse(body.validBefore) - Date.parse(body.validAfter)) / 1000;
  const allowed = Math.min(record.minutes, policy.maxCertificateMinutes) * 60;
  if (!(seconds > 0) || seconds > allowed) {
    throw violation(
      'access.duration',
      `valid for ${seconds} s, but at most ${allowed} s are allowed`,
    );
  }
  checkCertificateFields(parseIssued(body.certificate), body, ca);
}

function parseIssued(line: string): SshCertificate {
  try {
    return parseCertificate(line);
  } catch (error) {
    throw new RuleViolation(
      'access.certificate',
      `not a certificate: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

const seconds = (iso: string) => BigInt(Date.parse(iso) / 1000);

function checkCertificateFields(
  cert: SshCertificate,
  body: StatementOf<'cert.issued'>['body'],
  ca: string,
): void {
  const problems: string[] = [];
  if (cert.type !== 'user') problems.push('it is not a user certificate');
  if (cert.serial !== BigInt(body.serial)) problems.push(`its serial is ${cert.serial}`);
  if (cert.keyId !== body.keyId) problems.push(`its key ID is ${JSON.stringify(cert.keyId)}`);
  if (cert.validPrincipals.length !== 1 || cert.validPrincipals[0] !== body.principal) {
    problems.push(`its principals are ${cert.validPrincipals.join(', ')}`);
  }
  if (
    cert.validAfter !== seconds(body.validAfter) ||
    cert.validBefore !== seconds(body.validBefore)
  ) {
    problems.push('its validity differs');
  }
  if (sshKeyId(cert.publicKey.blob) !== body.key) problems.push('it certifies another key');
  const caKey = tryDecodeBase64(ca.split(' ')[1] ?? '');
  if (!caKey || !bytesEqual(cert.signatureKey.blob, caKey)) problems.push('another CA signed it');
  const options = [...cert.criticalOptions.keys()];
  if (options.join() !== 'force-command' || !cert.criticalOptions.get('force-command')) {
    problems.push('its only critical option must be force-command (the recorder)');
  }
  if ([...cert.extensions.keys()].join() !== 'permit-pty') {
    problems.push('its only extension must be permit-pty');
  }
  if (encodeHex(sha256(cert.blob)) !== body.digest) problems.push('its digest differs');
  if (cert.comment !== '') problems.push('the line carries a comment');
  if (problems.length > 0) {
    throw violation('access.certificate', `the certificate does not match: ${problems.join('; ')}`);
  }
}

/**
 * Checks the CA's signature on the certificate of a `cert.issued`, against the CA that
 * `ca.created` announced. Call it before {@link applyAccessStatement}. `ahead` holds checks
 * begun before the state reached the statement (RuleAudit.checkAll); one is used only if it
 * was begun with this CA and this certificate.
 *
 * @throws {RuleViolation} access.no-ca, access.certificate
 */
export async function verifyIssuedCertificate(
  state: CoopState,
  statement: Pick<StatementOf<'cert.issued'>, 'body'>,
  ahead?: Prechecks,
): Promise<void> {
  if (state.access.ca === null) throw violation('access.no-ca', 'no CA was announced before');
  const ca = state.access.ca;
  await (ahead?.certificate(statement.body, ca) ??
    verifyCertificateBy(ca, statement.body.certificate));
}

/**
 * The part of {@link verifyIssuedCertificate} that depends on nothing but the CA's key (as
 * `ca.created` gives it) and the certificate line.
 *
 * @throws {RuleViolation} access.certificate
 */
export async function verifyCertificateBy(ca: string, certificate: string): Promise<void> {
  const cert = parseIssued(certificate);
  try {
    await verifyCertificate(cert, { caKey: parsePublicKey(ca), type: 'user' });
  } catch (error) {
    throw new RuleViolation(
      'access.certificate',
      `the CA's signature does not hold: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
