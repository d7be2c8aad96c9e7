import type { Statement, StatementOf } from '@allmende/protocol';
import { revocationDue } from './access.ts';
import { RuleViolation, type Rule } from './errors.ts';
import { lookup, type CoopState } from './state.ts';

// What the server records of hosts and sessions (session.*, host.enrolled, host.attested) is its
// own statement, not members' consent: the coop state does not change by it, and the server
// keeps sessions and attestations in tables of their own. An audit of the log checks those
// statements against the certificates the log holds, and needs a state of its own for that:
// this one. It is kept apart from CoopState because the server's snapshot of CoopState, and
// every test that compares a replay with it, must not change shape with the sessions a server
// records; Maps, because session IDs and paths come from the log and must not reach
// Object.prototype.

/** A certificate the log says the CA issued (`cert.issued`), as sessions need it. */
export type CertificateRecord = {
  /** The log index of the `cert.issued` entry. */
  index: number;
  serial: string;
  host: string;
  principal: string;
  /** Whole seconds since the epoch, as OpenSSH counts validity: [validAfter, validBefore). */
  validAfter: number;
  validBefore: number;
  /** The log index of its `cert.revoked`, if any. */
  revokedAt: number | null;
};

export type SessionRecord = {
  /** The log index of its `session.started`. */
  index: number;
  host: string;
  /** The number the next chunk must carry, and the piece it must start from. */
  chunks: number;
  pieces: number;
  inputBytes: number;
  outputBytes: number;
  /** The log index of its `session.ended`, if it ended. */
  endedAt: number | null;
};

export type HostActivity = {
  /** From the latest `host.enrolled`: the logins that only certificates open. */
  logins: ReadonlySet<string> | null;
  /** The latest attestation: its log index and each file's digest by path. */
  attestation: { index: number; files: ReadonlyMap<string, string> } | null;
  /** Sessions started and not yet ended on the host. */
  open: number;
  /** The log index of the latest session.started or session.ended on the host, or -1. */
  lastSession: number;
};

export type OversightState = {
  /** Every certificate issued, by the log index of its request. */
  certificates: Map<number, CertificateRecord>;
  sessions: Map<string, SessionRecord>;
  hosts: Map<string, HostActivity>;
};

export function emptyOversight(): OversightState {
  return { certificates: new Map(), sessions: new Map(), hosts: new Map() };
}

export type OversightStatement = StatementOf<
  'session.started' | 'session.chunk' | 'session.ended' | 'host.enrolled' | 'host.attested'
>;
const OVERSIGHT_TYPES: ReadonlySet<string> = new Set([
  'session.started',
  'session.chunk',
  'session.ended',
  'host.enrolled',
  'host.attested',
]);

export function isOversightStatement(statement: Statement): statement is OversightStatement {
  return OVERSIGHT_TYPES.has(statement.type);
}

function violation(rule: Rule, message: string): RuleViolation {
  return new RuleViolation(rule, message);
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Notes a certificate the coop state has just taken (`cert.issued`) or let go (`cert.revoked`)
 * at `index`. For cert.issued, `coop` must be the state after the statement: its request
 * names the host.
 */
export function noteCertificate(
  coop: CoopState,
  oversight: OversightState,
  statement: StatementOf<'cert.issued' | 'cert.revoked'>,
  index: number,
): void {
  if (statement.type === 'cert.revoked') {
    const certificate = oversight.certificates.get(statement.body.request);
    if (certificate) certificate.revokedAt = index;
    return;
  }
  const { request, serial, principal, validAfter, validBefore } = statement.body;
  const record = lookup(coop.access.requests, String(request));
  if (!record) return;
  oversight.certificates.set(request, {
    index,
    serial: String(serial),
    host: record.host,
    principal,
    validAfter: epochSeconds(validAfter),
    validBefore: epochSeconds(validBefore),
    revokedAt: null,
  });
}

/**
 * Checks one of the server's statements about hosts and sessions against the state before it
 * and applies it at `index`, as the server decided when it wrote it (apps/server/src/sessions,
 * apps/server/src/hosts): a session begins with a certificate the CA issued for its request,
 * host and principal, not revoked, within its validity, on a login the host enrolled; its chunks
 * come in order and only while it is open; it ends once, with the totals of its chunks. An
 * attestation names as changed exactly the paths that differ from the host's previous one, and
 * each change must be explained by a session on the host since then.
 *
 * Returns the rules the statement broke where the statement is still taken (the log says the
 * session ran, the host reported that configuration), so that its chunks and later attestations
 * are checked against it and not reported again.
 *
 * @throws {RuleViolation} when the state cannot take the statement (an unknown host, a session
 *   that never started or has ended, a session ID used twice); it then changes nothing.
 */
export function applyOversightStatement(
  coop: CoopState,
  oversight: OversightState,
  statement: OversightStatement,
  index: number,
): RuleViolation[] {
  const broken: RuleViolation[] = [];
  switch (statement.type) {
    case 'host.enrolled': {
      const { host, logins } = statement.body;
      requireHost(coop, host);
      activityOf(oversight, host).logins = new Set(logins);
      return broken;
    }
    case 'host.attested': {
      const { host, files, changed, unexplained } = statement.body;
      requireHost(coop, host);
      const activity = activityOf(oversight, host);
      if (!activity.logins) {
        broken.push(violation('host.not-enrolled', `${host} attested before it was enrolled`));
      }
      const now = new Map(files.map((f) => [f.path, f.digest]));
      const previous = activity.attestation;
      // The server compares with the previous attestation (HostService.attest): a path whose
      // digest changed, appeared or went; nothing is changed at the first one.
      const differ: string[] = [];
      if (previous) {
        for (const [path, digest] of now)
          if (previous.files.get(path) !== digest) differ.push(path);
        for (const path of previous.files.keys()) if (!now.has(path)) differ.push(path);
      }
      const claimed = new Set(changed);
      if (differ.length !== claimed.size || differ.some((path) => !claimed.has(path))) {
        broken.push(
          violation(
            'host.attested-changes',
            `${host} changed ${list(differ)} since its previous attestation, but the statement names ${list(changed)}`,
          ),
        );
      }
      // As the server decides (SessionRepository.activeSince): a session on the host began or
      // ended since the previous attestation, or is still open. The log's order stands in for
      // the server's clock.
      const explained =
        previous === null ||
        differ.length === 0 ||
        activity.open > 0 ||
        activity.lastSession > previous.index;
      if (!explained) {
        // Flagged or not, the change itself breaks the rule that a host's configuration changes
        // only in a recorded session: the flag is the server's honesty, not the rule kept. So
        // both are reported under the same rule, and the message says which it was.
        broken.push(
          violation(
            'host.unexplained-change',
            `no session on ${host} since its attestation at entry ${previous.index} explains the change of ${list(differ)}${unexplained ? ' (the server flagged it)' : ', yet the server did not flag it'}`,
          ),
        );
      } else if (unexplained) {
        broken.push(
          violation(
            'host.attestation-flag',
            `the server flagged a change on ${host} as unexplained, but a session on it since entry ${previous?.index ?? 0} explains it`,
          ),
        );
      }
      activity.attestation = { index, files: now };
      return broken;
    }
    case 'session.started': {
      const body = statement.body;
      if (oversight.sessions.has(body.session)) {
        throw violation('session.id-taken', `session ${body.session} was started already`);
      }
      if (!lookup(coop.hosts, body.host)) {
        broken.push(violation('host.unknown', `there is no host ${body.host}`));
      } else {
        const logins = oversight.hosts.get(body.host)?.logins;
        if (!logins) {
          broken.push(violation('host.not-enrolled', `${body.host} is not enrolled`));
        } else if (!logins.has(body.principal)) {
          broken.push(
            violation('session.login', `${body.principal} is not a guarded login of ${body.host}`),
          );
        }
      }
      const fault = certificateFault(coop, oversight, statement);
      if (fault) broken.push(fault);
      // Taken even so: the log says the session ran, and its chunks and end are checked on.
      oversight.sessions.set(body.session, {
        index,
        host: body.host,
        chunks: 0,
        pieces: 0,
        inputBytes: 0,
        outputBytes: 0,
        endedAt: null,
      });
      const activity = activityOf(oversight, body.host);
      activity.open += 1;
      activity.lastSession = index;
      return broken;
    }
    case 'session.chunk': {
      const body = statement.body;
      const session = requireOpen(oversight, body.session);
      if (body.chunk !== session.chunks || body.pieces.from !== session.pieces) {
        broken.push(
          violation(
            'session.chunk-order',
            `chunk ${body.chunk} (pieces ${body.pieces.from}–${body.pieces.to}) of session ${body.session} came where chunk ${session.chunks} (from piece ${session.pieces}) was due`,
          ),
        );
      }
      if (body.pieces.to <= body.pieces.from) {
        broken.push(violation('session.chunk-order', `chunk ${body.chunk} holds no pieces`));
      }
      // Counted from this chunk on, so that one chunk out of place is reported once.
      session.chunks = body.chunk + 1;
      session.pieces = body.pieces.to;
      session.inputBytes += body.inputBytes;
      session.outputBytes += body.outputBytes;
      return broken;
    }
    case 'session.ended': {
      const body = statement.body;
      const session = requireOpen(oversight, body.session);
      // A session the server found open at its start (`interrupted`) may have stored pieces and
      // bytes that no chunk covered yet (SessionService.#endInterrupted): its totals may exceed
      // its chunks', never fall short of them.
      const exact = body.reason !== 'interrupted';
      const totals: [string, number, number][] = [
        ['pieces', body.pieces, session.pieces],
        ['input bytes', body.inputBytes, session.inputBytes],
        ['output bytes', body.outputBytes, session.outputBytes],
      ];
      const wrong = totals.filter(([, said, counted]) =>
        exact ? said !== counted : said < counted,
      );
      if (body.chunks !== session.chunks) wrong.unshift(['chunks', body.chunks, session.chunks]);
      if (wrong.length > 0) {
        broken.push(
          violation(
            'session.totals',
            `session ${body.session} ended with ${wrong.map(([what, said, counted]) => `${said} ${what} where its chunks hold ${counted}`).join(', ')}`,
          ),
        );
      }
      session.endedAt = index;
      const activity = activityOf(oversight, session.host);
      activity.open -= 1;
      activity.lastSession = index;
      return broken;
    }
  }
}

/**
 * Why a session's certificate did not allow it, as SessionService asks the CA
 * (AccessRequestService.checkSessionCertificate): issued for the session's request, host and
 * principal, with its serial; not revoked, nor due to be (withdrawn, the member gone, the key
 * revoked); valid at the statement's time, in whole seconds as sshd counts.
 */
function certificateFault(
  coop: CoopState,
  oversight: OversightState,
  statement: StatementOf<'session.started'>,
): RuleViolation | undefined {
  const { request, host, principal, serial, session } = statement.body;
  const requestIndex = /^[1-9][0-9]{0,15}$/.test(request) ? Number(request) : undefined;
  const certificate =
    requestIndex === undefined ? undefined : oversight.certificates.get(requestIndex);
  if (!certificate) {
    return violation(
      'session.certificate',
      `session ${session} names request ${request}, for which no certificate was issued`,
    );
  }
  const mismatch = [
    certificate.serial !== serial && `serial ${certificate.serial}`,
    certificate.host !== host && `host ${certificate.host}`,
    certificate.principal !== principal && `principal ${certificate.principal}`,
  ].filter((m): m is string => m !== false);
  if (mismatch.length > 0) {
    return violation(
      'session.certificate',
      `the certificate of request ${request} is for ${mismatch.join(', ')}, not what session ${session} used`,
    );
  }
  if (certificate.revokedAt !== null) {
    return violation(
      'session.revoked',
      `session ${session} began after the certificate of request ${request} was revoked at entry ${certificate.revokedAt}`,
    );
  }
  const record = lookup(coop.access.requests, request);
  const due = record && revocationDue(coop, record);
  if (due) {
    return violation(
      'session.revoked',
      `session ${session} began with the certificate of request ${request}, which was due to be revoked (${due})`,
    );
  }
  const at = epochSeconds(statement.time);
  if (at < certificate.validAfter || at >= certificate.validBefore) {
    return violation(
      'session.validity',
      `session ${session} began at ${statement.time}, outside the validity of the certificate of request ${request} (${new Date(certificate.validAfter * 1000).toISOString()} to ${new Date(certificate.validBefore * 1000).toISOString()})`,
    );
  }
  return undefined;
}

function requireHost(coop: CoopState, host: string): void {
  if (!lookup(coop.hosts, host)) throw violation('host.unknown', `there is no host ${host}`);
}

function requireOpen(oversight: OversightState, id: string): SessionRecord {
  const session = oversight.sessions.get(id);
  if (!session) throw violation('session.unknown', `session ${id} was never started`);
  if (session.endedAt !== null) {
    throw violation('session.after-end', `session ${id} ended at entry ${session.endedAt}`);
  }
  return session;
}

function activityOf(oversight: OversightState, host: string): HostActivity {
  let activity = oversight.hosts.get(host);
  if (!activity) {
    activity = { logins: null, attestation: null, open: 0, lastSession: -1 };
    oversight.hosts.set(host, activity);
  }
  return activity;
}

function list(paths: readonly string[]): string {
  if (paths.length === 0) return 'nothing';
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}
