import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeHex } from '@allmende/bytes';
import type { Statement, StatementOf, SubmittedStatement } from '@allmende/protocol';
import { parseCertificate } from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostBody, privateServiceBody } from '../../../test/support/coop-fixtures.ts';
import {
  draft,
  genesisStatement,
  signedBy,
  testMember,
  type TestMember,
} from '../../../test/support/members.ts';
import {
  RuleViolation,
  accessKeyId,
  applyStatement,
  foundedState,
  keyIdOf,
  replayStatements,
  requestDigest,
  verifySignatures,
  type CoopState,
} from './index.ts';

// The log proves what the CA did: anyone replaying it checks each certificate against its
// request, its approvals, the policy and the CA that `ca.created` announced. Certificates here
// are made by ssh-keygen -s, some of them forged.

const run = promisify(execFile);
const ORIGIN = 'coop.test/log';
const members = ['ada', 'bo', 'cem', 'dana'].map((h) => testMember(h));
const [ada, bo, cem] = members as [TestMember, TestMember, TestMember];

let dir: string;
let ca: string;
let rogue: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-rules-access-'));
  for (const name of ['ca', 'rogue']) {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  }
  const line = async (name: string) =>
    (await readFile(join(dir, `${name}.pub`), 'utf8')).split(' ').slice(0, 2).join(' ');
  ca = await line('ca');
  rogue = await line('rogue');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let certificates = 0;
/** ssh-keygen -s of bo's key, as the server would order it; `changes` forge the order. */
async function certificate(
  request: number,
  changes: { ca?: string; serial?: number; principal?: string; from?: number; to?: number } = {},
): Promise<string> {
  const name = `key-${++certificates}`;
  await writeFile(join(dir, `${name}.pub`), `${bo.key.publicKey}\n`);
  const time = (s: number) =>
    `${new Date(s * 1000).toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z`;
  await run('ssh-keygen', [
    '-q',
    '-s',
    join(dir, changes.ca ?? 'ca'),
    '-I',
    accessKeyId(ORIGIN, request),
    '-z',
    String(changes.serial ?? 1),
    '-n',
    changes.principal ?? 'root',
    '-V',
    `${time(changes.from ?? 1_800_000_000)}:${time(changes.to ?? 1_800_000_000 + 1800)}`,
    '-O',
    'clear',
    '-O',
    'permit-pty',
    '-O',
    'force-command=allmende-recorder',
    join(dir, `${name}.pub`),
  ]);
  return (await readFile(join(dir, `${name}-cert.pub`), 'utf8')).split(' ').slice(0, 2).join(' ');
}

function issuedBody(line: string, request: number, approvals: number[]) {
  const cert = parseCertificate(line);
  const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    request,
    approvals,
    serial: Number(cert.serial),
    keyId: cert.keyId,
    principal: cert.validPrincipals[0] ?? '',
    validAfter: iso(cert.validAfter),
    validBefore: iso(cert.validBefore),
    key: keyIdOf(bo.key),
    digest: encodeHex(sha256(cert.blob)),
    certificate: line,
  };
}

/** A cooperative where bo looks after mail (private: two approvals) on h1, and asked for root. */
async function withRequest() {
  const genesis = genesisStatement({ origin: ORIGIN, founders: members });
  const state: CoopState = foundedState(genesis);
  const log: { index: number; statement: Statement }[] = [{ index: 0, statement: genesis }];
  const time = '2026-11-26T12:00:00.000Z';
  async function member(statement: SubmittedStatement): Promise<number> {
    const signers = await verifySignatures(state, statement);
    applyStatement(state, statement, log.length, signers);
    log.push({ index: log.length, statement: { ...statement, time } });
    return log.length - 1;
  }
  function coop(statement: Omit<Statement, 'v' | 'time'>): number {
    const full = { v: 1, time, ...statement } as Statement;
    applyStatement(state, full, log.length, new Map());
    log.push({ index: log.length, statement: full });
    return log.length - 1;
  }
  await member(await signedBy(draft('host.added', 'ada', hostBody('h1')), ORIGIN, ada));
  await member(
    await signedBy(
      draft(
        'service.created',
        'bo',
        privateServiceBody({ slug: 'mail', name: 'Mail', hosts: ['h1'] }),
      ),
      ORIGIN,
      bo,
    ),
  );
  coop({ actor: 'coop', type: 'ca.created', body: { key: ca } });
  const requested = await signedBy(
    draft('access.requested', 'bo', {
      host: 'h1',
      login: 'root',
      minutes: 30,
      ticket: 1,
      reason: 'Queue',
      key: keyIdOf(bo.key),
    }),
    ORIGIN,
    bo,
  );
  const request = await member(requested);
  const digest = requestDigest(requested);
  const approve = async (who: TestMember) =>
    member(await signedBy(draft('access.approved', who.handle, { request, digest }), ORIGIN, who));
  return { state, log, member, coop, request, approve };
}

async function replayWith(
  log: { index: number; statement: Statement }[],
  statement: Omit<Statement, 'v' | 'time'>,
): Promise<string> {
  const entry = {
    index: log.length,
    statement: { v: 1, time: '2026-11-26T12:00:01.000Z', ...statement } as Statement,
  };
  try {
    await replayStatements([...log, entry]);
    return 'accepted';
  } catch (error) {
    return error instanceof RuleViolation ? error.rule : String(error);
  }
}

const issued = (body: ReturnType<typeof issuedBody>) =>
  ({ actor: 'coop', type: 'cert.issued', body }) as StatementOf<'cert.issued'>;

describe('cert.issued in the log', () => {
  it('holds when the certificate matches a request its approvals carry', async () => {
    const { log, request, approve } = await withRequest();
    const approvals = [await approve(ada), await approve(cem)];
    expect(
      await replayWith(log, issued(issuedBody(await certificate(request), request, approvals))),
    ).toBe('accepted');
  });

  it('is refused for too few approvals, another CA, a longer validity, another login', async () => {
    const { log, request, approve } = await withRequest();
    const first = await approve(ada);
    const line = await certificate(request);
    expect(await replayWith(log, issued(issuedBody(line, request, [first])))).toBe(
      'access.approvals',
    );
    const second = await approve(cem);
    const approvals = [first, second];
    const rogueCert = await certificate(request, { ca: 'rogue' });
    expect(await replayWith(log, issued(issuedBody(rogueCert, request, approvals)))).toBe(
      'access.certificate',
    );
    const long = await certificate(request, { to: 1_800_000_000 + 3600 });
    expect(await replayWith(log, issued(issuedBody(long, request, approvals)))).toBe(
      'access.duration',
    );
    const postgres = await certificate(request, { principal: 'postgres' });
    expect(await replayWith(log, issued(issuedBody(postgres, request, approvals)))).toBe(
      'access.certificate',
    );
    // The statement's fields must be the certificate's: a body that lies about it is refused.
    const lying = { ...issuedBody(line, request, approvals), validBefore: '2027-01-15T08:20:00Z' };
    expect(await replayWith(log, issued(lying))).toBe('access.certificate');
    expect(rogue).not.toBe(ca);
  });

  it('refuses a second certificate with a used serial, and a revocation without its reason', async () => {
    const { log, request, approve, coop, state } = await withRequest();
    const approvals = [await approve(ada), await approve(cem)];
    coop(issued(issuedBody(await certificate(request), request, approvals)));
    expect(state.access.requests[String(request)]?.status).toBe('issued');
    const revoked = {
      actor: 'coop',
      type: 'cert.revoked',
      body: { request, serial: 1, reason: 'withdrawn' },
    } as const;
    expect(await replayWith(log, revoked)).toBe('access.revocation-reason');
    expect(await replayWith(log, { ...revoked, body: { ...revoked.body, serial: 2 } })).toBe(
      'access.not-issued',
    );
    expect(await replayWith(log, { actor: 'coop', type: 'ca.created', body: { key: rogue } })).toBe(
      'access.ca-exists',
    );
    expect(
      await replayWith(log, { actor: 'coop', type: 'access.expired', body: { request } }),
    ).toBe('access.not-pending');
  });
});
