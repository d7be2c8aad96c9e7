import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHex } from '@allmende/bytes';
import type { Statement, StatementOf, SubmittedStatement } from '@allmende/protocol';
import { parseCertificate } from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  draft,
  genesisStatement,
  signedBy,
  stewardedService,
  testMember,
  type TestMember,
} from '../../../test/support/members.ts';
import { makeKey, signCertificate, type KeyPair } from '../../../test/support/openssh.ts';
import {
  accessKeyId,
  auditStatements,
  keyIdOf,
  replayStatements,
  requestDigest,
  RuleAudit,
  RuleViolation,
  type ReplayedEntry,
} from './index.ts';

// `allmende verify` replays a log that a server wrote, and must name every entry that breaks a
// rule with the rule it breaks — once: what came after a faulty entry and relied on it is not
// reported again. The logs here are written with the log key's authority directly, as a server
// that cheats would write them; certificates are made by ssh-keygen -s.

const ORIGIN = 'coop.test/log';
const HOST = 'h1';
const members = ['ada', 'bo', 'cem', 'dana'].map((h) => testMember(h));
const [ada, bo, cem] = members as [TestMember, TestMember, TestMember];
/** The moment the logs begin; each statement is a minute after the one before. */
const T0 = Date.parse('2026-11-26T12:00:00Z');
const MINUTE = 60_000;

let dir: string;
let ca: KeyPair;
let boKey: KeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-rules-audit-'));
  ca = await makeKey(dir, 'ca');
  // bo's statement key, in a file for ssh-keygen -s to certify.
  boKey = { path: join(dir, 'bo'), publicKey: bo.key.publicKey };
  await writeFile(`${boKey.path}.pub`, `${bo.key.publicKey}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A log as a server writes it: member statements as signed, its own with the time it says. */
class TestLog {
  readonly entries: ReplayedEntry[] = [];
  time = T0;

  constructor() {
    this.entries.push({
      index: 0,
      statement: genesisStatement({ origin: ORIGIN, founders: members }),
    });
  }

  get next(): number {
    return this.entries.length;
  }

  /** Appends at the clock's time, then moves it on by a minute; returns the entry's index. */
  append(statement: SubmittedStatement | Omit<Statement, 'v' | 'time'>, at = this.time): number {
    const full = { v: 1, ...statement, time: new Date(at).toISOString() } as Statement;
    this.entries.push({ index: this.next, statement: full });
    this.time = at + MINUTE;
    return this.next - 1;
  }

  coop<T extends Statement['type']>(type: T, body: StatementOf<T>['body'], at?: number): number {
    return this.append({ actor: 'coop', type, body }, at);
  }
}

/** h1 with bo's mail service on it (private: two approvals), the CA, h1 enrolled and attested. */
async function cooperative(): Promise<TestLog> {
  const log = new TestLog();
  log.append(
    await signedBy(
      draft('host.added', ada.handle, {
        name: HOST,
        address: '10.0.0.1',
        provider: 'Test',
        location: 'Loopback',
        monthlyCost: { amount: 5, currency: 'EUR' },
      }),
      ORIGIN,
      ada,
    ),
  );
  for (const statement of await stewardedService(ORIGIN, {
    slug: 'mail',
    steward: bo,
    hosts: [HOST],
  })) {
    log.append(statement);
  }
  log.coop('ca.created', { key: ca.publicKey.split(' ').slice(0, 2).join(' ') });
  log.coop('host.enrolled', {
    host: HOST,
    hostKey: ca.publicKey.split(' ').slice(0, 2).join(' '),
    logins: ['root'],
    installed: [{ path: '/etc/ssh/sshd_config.d/allmende.conf', digest: 'a'.repeat(64) }],
  });
  attest(log, 'a', false);
  return log;
}

/** bo asks for root on h1 for 30 minutes; returns the request's index and its reference. */
async function request(log: TestLog) {
  const statement = await signedBy(
    draft('access.requested', bo.handle, {
      host: HOST,
      login: 'root',
      minutes: 30,
      ticket: 1,
      reason: 'renew the TLS certificate',
      key: keyIdOf(bo.key),
    }),
    ORIGIN,
    bo,
  );
  const index = log.append(statement);
  return { index, reference: { request: index, digest: requestDigest(statement) } };
}

async function approve(
  log: TestLog,
  reference: { request: number; digest: string },
  approver: TestMember,
): Promise<number> {
  return log.append(
    await signedBy(draft('access.approved', approver.handle, reference), ORIGIN, approver),
  );
}

let serials = 0;
/** The CA certifies bo's key for `request`, from now for 30 minutes; returns the serial. */
async function issue(log: TestLog, request: number, approvals: number[], by = ca) {
  const serial = ++serials;
  const from = Math.floor(log.time / 1000);
  const stamp = (s: number) =>
    `${new Date(s * 1000).toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z`;
  const line = (
    await signCertificate(by, boKey, {
      keyId: accessKeyId(ORIGIN, request),
      principals: ['root'],
      serial,
      validity: `${stamp(from)}:${stamp(from + 30 * 60)}`,
      forceCommand: '/usr/lib/allmende/recorder',
    })
  )
    .split(' ')
    .slice(0, 2)
    .join(' ');
  const cert = parseCertificate(line);
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const index = log.coop('cert.issued', {
    request,
    approvals,
    serial,
    keyId: accessKeyId(ORIGIN, request),
    principal: 'root',
    validAfter: iso(from),
    validBefore: iso(from + 30 * 60),
    key: keyIdOf(bo.key),
    digest: encodeHex(sha256(cert.blob)),
    certificate: line,
  });
  return { index, serial, validBefore: (from + 30 * 60) * 1000 };
}

let sessions = 0;
/** A session on h1 with two chunks and its end; returns the index of each statement. */
function session(
  log: TestLog,
  request: number,
  serial: number,
  at = log.time,
): { started: number; chunks: number[]; ended: number; id: string } {
  const id = `session-${String(++sessions).padStart(14, '0')}`;
  const started = log.coop(
    'session.started',
    {
      session: id,
      host: HOST,
      principal: 'root',
      request: String(request),
      ticket: 1,
      serial: String(serial),
      kind: 'shell',
      observerRequired: true,
      recipients: [ada.handle],
    },
    at,
  );
  const chunks = [0, 1].map((chunk) => chunkOf(log, id, chunk));
  const ended = log.coop('session.ended', {
    session: id,
    reason: 'exit',
    by: null,
    exitCode: 0,
    chunks: 2,
    pieces: 4,
    inputBytes: 20,
    outputBytes: 2000,
    transcript: 'c'.repeat(64),
  });
  return { started, chunks, ended, id };
}

function chunkOf(log: TestLog, id: string, chunk: number): number {
  return log.coop('session.chunk', {
    session: id,
    chunk,
    pieces: { from: chunk * 2, to: chunk * 2 + 2 },
    inputBytes: 10,
    outputBytes: 1000,
    sealed: 'd'.repeat(64),
    plain: 'e'.repeat(64),
  });
}

/** h1 reports its sshd_config with digest `digest` repeated; changed if it differs. */
function attest(log: TestLog, digest: string, changed: boolean, unexplained = false): number {
  return log.coop('host.attested', {
    host: HOST,
    files: [{ path: '/etc/ssh/sshd_config', digest: digest.repeat(64), kind: 'sshd' }],
    changed: changed ? ['/etc/ssh/sshd_config'] : [],
    unexplained,
    ticket: unexplained ? 1 : null,
  });
}

/** The whole life of a privileged action that keeps every rule. */
async function cleanLog(): Promise<TestLog> {
  const log = await cooperative();
  const { index, reference } = await request(log);
  const approvals = [await approve(log, reference, ada), await approve(log, reference, cem)];
  const { serial } = await issue(log, index, approvals);
  session(log, index, serial);
  attest(log, 'b', true);
  log.append(await signedBy(draft('access.withdrawn', bo.handle, reference), ORIGIN, bo));
  log.coop('cert.revoked', { request: index, serial, reason: 'withdrawn' });
  return log;
}

async function violationsOf(log: TestLog) {
  const audit = await auditStatements(log.entries);
  expect(audit.checked).toBe(log.entries.length);
  return audit.violations.map(({ index, rule }) => ({ index, rule }));
}

describe('auditing a log', () => {
  it('finds no violation in a log that keeps every rule, and builds the state a replay does', async () => {
    const log = await cleanLog();
    const audit = await auditStatements(log.entries);
    expect(audit.violations).toEqual([]);
    expect(audit.byType['session.chunk']).toBe(2);
    expect(JSON.stringify(audit.state)).toBe(JSON.stringify(await replayStatements(log.entries)));
  });

  it('reports a certificate issued without enough approvals once, not the session that used it', async () => {
    const log = await cooperative();
    const { index, reference } = await request(log);
    const approvals = [await approve(log, reference, ada)];
    const issued = await issue(log, index, approvals);
    session(log, index, issued.serial);
    attest(log, 'b', true);
    expect(await violationsOf(log)).toEqual([{ index: issued.index, rule: 'access.approvals' }]);
  });

  it('reports an approval signed with a revoked key once, not the certificate that counted it', async () => {
    const log = await cooperative();
    // ada takes a new key and revokes the old one, then approves with the old one.
    const adaNew = { ...testMember(ada.handle), name: ada.name };
    log.append(
      await signedBy(
        draft('key.added', ada.handle, { handle: ada.handle, key: adaNew.key }),
        ORIGIN,
        ada,
      ),
    );
    log.append(
      await signedBy(
        draft('key.revoked', ada.handle, { handle: ada.handle, key: keyIdOf(ada.key) }),
        ORIGIN,
        adaNew,
      ),
    );
    const { index, reference } = await request(log);
    const bad = await approve(log, reference, ada);
    const approvals = [bad, await approve(log, reference, cem)];
    const { serial } = await issue(log, index, approvals);
    session(log, index, serial);
    expect(await violationsOf(log)).toEqual([{ index: bad, rule: 'signature.revoked-key' }]);
  });

  it('reports a session without a certificate once, not its chunks and end', async () => {
    const log = await cooperative();
    const { index } = await request(log);
    const { started } = session(log, index, 7);
    attest(log, 'b', true);
    expect(await violationsOf(log)).toEqual([{ index: started, rule: 'session.certificate' }]);
  });

  it('stops a replay at a session without a certificate, as at any other broken rule', async () => {
    const log = await cooperative();
    const { index } = await request(log);
    const { started } = session(log, index, 7);
    const error = await replayStatements(log.entries).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error).toMatchObject({ rule: 'session.certificate' });
    expect((error as RuleViolation).message).toMatch(new RegExp(`^entry ${started}: `));
  });

  it('reports a session begun after its certificate ran out', async () => {
    const log = await cooperative();
    const { index, reference } = await request(log);
    const approvals = [await approve(log, reference, ada), await approve(log, reference, cem)];
    const { serial, validBefore } = await issue(log, index, approvals);
    const { started } = session(log, index, serial, validBefore);
    expect(await violationsOf(log)).toEqual([{ index: started, rule: 'session.validity' }]);
  });

  it('reports a session begun after its certificate was revoked', async () => {
    const log = await cleanLog();
    const request = log.entries.find((e) => e.statement.type === 'access.requested')!.index;
    const { started } = session(log, request, serials);
    expect(await violationsOf(log)).toEqual([{ index: started, rule: 'session.revoked' }]);
  });

  it('reports a chunk after the end of its session, and a chunk out of order, each once', async () => {
    const log = await cleanLog();
    const id = (
      log.entries.find((e) => e.statement.type === 'session.started')!
        .statement as StatementOf<'session.started'>
    ).body.session;
    const late = chunkOf(log, id, 2);
    const lateEnd = log.coop('session.ended', {
      session: id,
      reason: 'exit',
      by: null,
      exitCode: 0,
      chunks: 3,
      pieces: 6,
      inputBytes: 30,
      outputBytes: 3000,
      transcript: 'c'.repeat(64),
    });
    const never = chunkOf(log, 'never-started-00000000', 0);
    expect(await violationsOf(log)).toEqual([
      { index: late, rule: 'session.after-end' },
      { index: lateEnd, rule: 'session.after-end' },
      { index: never, rule: 'session.unknown' },
    ]);
  });

  it('reports chunks out of order and an end whose totals its chunks do not hold', async () => {
    const log = await cooperative();
    const { index, reference } = await request(log);
    const approvals = [await approve(log, reference, ada), await approve(log, reference, cem)];
    const { serial } = await issue(log, index, approvals);
    const { id } = session(log, index, serial);
    const id2 = id.replace(/.$/, 'x');
    log.coop('session.started', {
      ...(log.entries.at(-4)!.statement as StatementOf<'session.started'>).body,
      session: id2,
    });
    const first = chunkOf(log, id2, 0);
    const skipped = chunkOf(log, id2, 2);
    chunkOf(log, id2, 3);
    const ended = log.coop('session.ended', {
      session: id2,
      reason: 'exit',
      by: null,
      exitCode: 0,
      chunks: 4,
      pieces: 8,
      inputBytes: 30,
      outputBytes: 2000,
      transcript: 'c'.repeat(64),
    });
    expect(first).toBeGreaterThan(0);
    // The skipped chunk once (chunks count on from it); the end's output bytes, which its
    // chunks 0, 2 and 3 put at 3,000.
    expect(await violationsOf(log)).toEqual([
      { index: skipped, rule: 'session.chunk-order' },
      { index: ended, rule: 'session.totals' },
    ]);
  });

  it('reports an attested change that no session explains, flagged by the server or not', async () => {
    const log = await cooperative();
    const flagged = attest(log, 'b', true, true);
    const hidden = attest(log, 'c', true, false);
    const unnamed = attest(log, 'd', false, false);
    expect(await violationsOf(log)).toEqual([
      { index: flagged, rule: 'host.unexplained-change' },
      { index: hidden, rule: 'host.unexplained-change' },
      { index: unnamed, rule: 'host.attested-changes' },
      { index: unnamed, rule: 'host.unexplained-change' },
    ]);
    const audit = await auditStatements(log.entries);
    expect(audit.violations[0]?.message).toContain('the server flagged it');
    expect(audit.violations[1]?.message).toContain('the server did not flag it');
  });

  it('reports a change flagged as unexplained that a session explains', async () => {
    const log = await cooperative();
    const { index, reference } = await request(log);
    const approvals = [await approve(log, reference, ada), await approve(log, reference, cem)];
    const { serial } = await issue(log, index, approvals);
    session(log, index, serial);
    const flag = attest(log, 'b', true, true);
    expect(await violationsOf(log)).toEqual([{ index: flag, rule: 'host.attestation-flag' }]);
  });

  it('skips what the state cannot take: an approval of no request, an attestation of no host', async () => {
    const log = await cooperative();
    const stray = await approve(log, { request: 999, digest: 'f'.repeat(64) }, ada);
    const nowhere = log.coop('host.attested', {
      host: 'nowhere',
      files: [],
      changed: [],
      unexplained: false,
      ticket: null,
    });
    expect(await violationsOf(log)).toEqual([
      { index: stray, rule: 'access.not-pending' },
      { index: nowhere, rule: 'host.unknown' },
    ]);
  });
});

describe('checking entries ahead of the replay (RuleAudit.checkAll)', () => {
  let faulty: Promise<TestLog> | undefined;
  /** A log that breaks rules with its signatures, its certificates and after them (made once). */
  function faultyLog(): Promise<TestLog> {
    faulty ??= makeFaultyLog();
    return faulty;
  }

  async function makeFaultyLog(): Promise<TestLog> {
    const log = await cooperative();
    const otherCa = await makeKey(dir, 'other-ca');
    for (let round = 0; round < 40; round++) {
      const { index, reference } = await request(log);
      const approvals = [await approve(log, reference, ada), await approve(log, reference, cem)];
      if (round % 7 === 3) {
        // cem's signature of another approval, under this one: a valid SSHSIG, not of this.
        const other = await signedBy(
          draft('access.approved', cem.handle, { ...reference, request: 999 }),
          ORIGIN,
          cem,
        );
        const forged = log.entries[approvals[1]!]!.statement as SubmittedStatement;
        forged.signatures[0]!.signature = other.signatures[0]!.signature;
      }
      const { serial } = await issue(log, index, approvals, round % 9 === 5 ? otherCa : ca);
      session(log, index, serial);
    }
    // cem takes a new key and revokes the old one, then approves with the old one: a valid
    // signature by a key cem no longer holds.
    const cemNew = { ...testMember(cem.handle), name: cem.name };
    log.append(
      await signedBy(
        draft('key.added', cem.handle, { handle: cem.handle, key: cemNew.key }),
        ORIGIN,
        cem,
      ),
    );
    log.append(
      await signedBy(
        draft('key.revoked', cem.handle, { handle: cem.handle, key: keyIdOf(cem.key) }),
        ORIGIN,
        cemNew,
      ),
    );
    const { reference } = await request(log);
    await approve(log, reference, cem);
    attest(log, 'c', true);
    return log;
  }

  function oneByOne(entries: readonly ReplayedEntry[]) {
    return (async () => {
      const audit = new RuleAudit();
      for (const entry of entries) await audit.check(entry);
      return audit;
    })();
  }

  it('finds what checking one entry after the other finds, in the same order, with the same state', async () => {
    const log = await faultyLog();
    const expected = await oneByOne(log.entries);
    const rules = new Set(expected.violations.map((v) => v.rule));
    expect(rules).toEqual(
      new Set(['signature.invalid', 'access.certificate', 'signature.revoked-key']),
    );
    for (const piece of [1, 3, 64, 65, 200, log.entries.length]) {
      const audit = new RuleAudit();
      const found = [];
      for (let start = 0; start < log.entries.length; start += piece) {
        found.push(...(await audit.checkAll(log.entries.slice(start, start + piece))));
      }
      expect(found).toEqual(expected.violations);
      expect(audit.violations).toEqual(expected.violations);
      expect(audit.checked).toBe(log.entries.length);
      expect(JSON.stringify(audit.state)).toBe(JSON.stringify(expected.state));
      expect(JSON.stringify([...audit.oversight.certificates])).toBe(
        JSON.stringify([...expected.oversight.certificates]),
      );
    }
  });

  it('checks the entries an iterable gave before it failed, then throws its error', async () => {
    const log = await faultyLog();
    const expected = await oneByOne(log.entries.slice(0, 150));
    const audit = new RuleAudit();
    async function* failing() {
      yield* log.entries.slice(0, 150);
      throw new Error('the connection dropped');
    }
    await expect(audit.checkAll(failing())).rejects.toThrow('the connection dropped');
    expect(audit.checked).toBe(150);
    expect(audit.violations).toEqual(expected.violations);
  });
});
