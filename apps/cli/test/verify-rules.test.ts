import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessRequest,
  Ticket,
  newNonce,
  signedBytes,
  statementNamespace,
  type SignedPart,
  type StatementDraft,
  type SubmittedStatement,
} from '@allmende/protocol';
import { accessKeyId } from '@allmende/rules';
import { startServer, type RunningServer } from '@allmende/server';
import { generateCosignerKeys, generateNoteKeys } from '@allmende/tlog';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hostBody, privateServiceBody } from '../../../test/support/coop-fixtures.ts';
import { sshKeygenSign, type TestKey } from '../../../test/support/ssh-keygen.ts';
import { CertificateAuthority } from '../../server/src/access/certificate-authority.ts';
import { request } from '../../server/test/api.ts';
import {
  DIALECTS,
  createTestStore,
  eventually,
  type TestDialect,
  type TestStore,
} from '../../server/test/harness.ts';
import type { Alarm } from '../src/verify/alarm.ts';
import { runRulesCommand, type RulesCommandArgs } from '../src/verify/rules-command.ts';
import { CLI } from './support/allmende-process.ts';
import { generateKey } from './support/ssh-keys.ts';
import { rewriteHistory } from './support/rewrite-history.ts';

// `allmende verify` against real servers: a cooperative whose log keeps every rule, then
// entries that a server with the log key (and the CA key) could write behind the members'
// backs, each reported with its entry and rule; and `--follow`, which watches a log grow and
// raises the alarm when an entry breaks a rule or the history it saw is rewritten.

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function folder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `allmende-verify-rules-${prefix}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const HANDLES = ['ada', 'bo', 'cem', 'dana'] as const;
let keyDir: string;
/** Each member's key made by ssh-keygen; dana has a second one, "dana2". */
const keys = new Map<string, TestKey>();

beforeAll(async () => {
  keyDir = await folder('keys');
  for (const name of [...HANDLES, 'dana2']) keys.set(name, await generateKey(keyDir, name));
});

type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

/** A cooperative on a real server, with the helpers its members use. */
class Coop {
  server: RunningServer;
  readonly store: TestStore;
  readonly namespace: string;

  constructor(server: RunningServer, store: TestStore) {
    this.server = server;
    this.store = store;
    this.namespace = statementNamespace(server.log.origin);
  }

  static async start(dialect: TestDialect): Promise<Coop> {
    const store = await createTestStore(dialect);
    cleanups.push(() => store.cleanup());
    return new Coop(await launch(store), store);
  }

  /** Starts the server again, after `server.close()`, on the same data, on the first port. */
  async startAgain(port = new URL(this.server.url).port): Promise<void> {
    this.server = await launch(this.store, `127.0.0.1:${port}`, false);
  }

  get logUrl(): string {
    return `${this.server.url}/log`;
  }

  /** A statement by `handle`, signed by ssh-keygen with `key`. */
  async signed<T extends SignedPart['type']>(
    handle: string,
    type: T,
    body: BodyOf<T>,
    key = handle,
  ): Promise<SubmittedStatement> {
    const part = { v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body } as SignedPart;
    const signature = await sshKeygenSign(keys.get(key)!, this.namespace, signedBytes(part));
    return { ...part, signatures: [{ kind: 'ssh', signer: handle, signature }] };
  }

  /** Through the server's rules, as members submit. */
  async submit<T extends SignedPart['type']>(handle: string, type: T, body: BodyOf<T>) {
    return this.server.coop.submit(await this.signed(handle, type, body));
  }

  /** Straight into the log with the log key, past every rule, as a compromised server could. */
  async appendRaw(statement: StatementDraft | SubmittedStatement): Promise<number> {
    return (await this.server.log.append(statement)).index;
  }

  /** Waits for the checkpoint of every entry appended (the server makes one within a second). */
  async checkpointed(): Promise<void> {
    const size = this.server.log.size;
    await eventually(
      async () => (this.server.log.checkpoint.size >= size ? true : undefined),
      'the checkpoint',
    );
  }

  async notices(count: number, label: string): Promise<number> {
    let last = 0;
    for (let i = 0; i < count; i++) {
      last = await this.appendRaw({
        type: 'notice',
        actor: 'coop',
        body: { text: `${label} ${i}` },
      });
    }
    return last;
  }

  /** Appends `count` notices at once, so that they may share a checkpoint. */
  async noticesAtOnce(count: number, label: string): Promise<void> {
    const appends = Array.from({ length: count }, (_, i) =>
      this.server.log.append({ type: 'notice', actor: 'coop', body: { text: `${label} ${i}` } }),
    );
    const last = Math.max(...(await Promise.all(appends)).map((a) => a.index));
    await eventually(
      async () => (this.server.log.checkpoint.size > last ? true : undefined),
      'the checkpoint',
    );
  }

  async requestAccess(handle: string): Promise<AccessRequest> {
    const ticket = await this.server.desk.tickets.openTicket(handle, {
      title: 'The mail queue is stuck',
      body: '',
      service: 'mail',
      private: false,
      priority: 'normal',
      labels: [],
    });
    const reply = await request(this.server.url, 'POST', '/api/access/requests', {
      json: await this.signed(handle, 'access.requested', {
        host: 'h1',
        login: 'root',
        minutes: 30,
        ticket: ticket.id,
        reason: 'Flush the stuck mail queue',
        key: keys.get(handle)!.fingerprint,
      }),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return AccessRequest.parse(reply.body);
  }

  async approve(handle: string, target: AccessRequest): Promise<AccessRequest> {
    const statement = await this.signed(handle, 'access.approved', {
      request: target.id,
      digest: target.digest,
    });
    const reply = await request(
      this.server.url,
      'POST',
      `/api/access/requests/${target.id}/approvals`,
      { json: statement },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return AccessRequest.parse(reply.body);
  }

  /** What the session recorder has the server write for a shell session. */
  async session(requestIndex: number, serial: number, id: string): Promise<number> {
    const started = await this.appendRaw({
      type: 'session.started',
      actor: 'coop',
      body: {
        session: id,
        host: 'h1',
        principal: 'root',
        request: String(requestIndex),
        ticket: null,
        serial: String(serial),
        kind: 'shell',
        observerRequired: false,
        recipients: ['ada'],
      },
    });
    await this.appendRaw({
      type: 'session.chunk',
      actor: 'coop',
      body: {
        session: id,
        chunk: 0,
        pieces: { from: 0, to: 2 },
        inputBytes: 10,
        outputBytes: 1000,
        sealed: 'd'.repeat(64),
        plain: 'e'.repeat(64),
      },
    });
    await this.appendRaw({
      type: 'session.ended',
      actor: 'coop',
      body: {
        session: id,
        reason: 'exit',
        by: null,
        exitCode: 0,
        chunks: 1,
        pieces: 2,
        inputBytes: 10,
        outputBytes: 1000,
        transcript: 'c'.repeat(64),
      },
    });
    return started;
  }
}

async function launch(
  store: TestStore,
  listen = '127.0.0.1:0',
  found = true,
): Promise<RunningServer> {
  const server = await startServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    listen,
    webRoot: join(store.dataDir, 'no-web-app'),
    founders: HANDLES.filter(() => found).map((handle) => ({
      handle,
      name: handle,
      keys: [handle, `${handle}2`]
        .filter((name) => keys.has(name))
        .map((name) => ({ kind: 'ssh' as const, publicKey: keys.get(name)!.canonical })),
    })),
  });
  cleanups.push(() => server.close());
  return server;
}

/**
 * Real activity: a host, bo's mail service on it, a key revoked, a request that two others
 * approve and the CA certifies, the host enrolled, a recorded session, and notices.
 */
async function activeCoop(dialect: TestDialect) {
  const coop = await Coop.start(dialect);
  await coop.submit('ada', 'host.added', hostBody('h1'));
  await coop.submit(
    'bo',
    'service.created',
    privateServiceBody({ slug: 'mail', name: 'Mail', hosts: ['h1'] }),
  );
  await coop.submit('bo', 'steward.assigned', { service: 'mail', handle: 'bo', role: 'steward' });
  await coop.submit('dana', 'key.revoked', { handle: 'dana', key: keys.get('dana2')!.fingerprint });
  const pending = await coop.requestAccess('bo');
  await coop.approve('ada', pending);
  const issued = await coop.approve('cem', pending);
  expect(issued.status).toBe('issued');
  const caPublicKey = (await readFile(join(coop.store.dataDir, 'ca-key.pub'), 'utf8')).trim();
  await coop.appendRaw({
    type: 'host.enrolled',
    actor: 'coop',
    body: {
      host: 'h1',
      hostKey: caPublicKey.split(' ').slice(0, 2).join(' '),
      logins: ['root'],
      installed: [{ path: '/etc/ssh/sshd_config.d/allmende.conf', digest: 'a'.repeat(64) }],
    },
  });
  await coop.session(pending.id, issued.certificate!.serial, 'session-00000000000001');
  await coop.notices(3, 'all is well');
  return { coop, caPublicKey };
}

class Captured {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function base(coop: Coop) {
  return { url: coop.logUrl, key: coop.server.log.verifierKey };
}

/** `verify --follow` in this process, once it waits for a witness that never cosigns. */
async function followWithoutWitnesses(coop: Coop, args: Partial<RulesCommandArgs> = {}) {
  const { verifierKey: witness } = await generateCosignerKeys('witness.example/w');
  const stop = new AbortController();
  const stdout = new Captured();
  const stderr = new Captured();
  const done = runRulesCommand(
    {
      ...base(coop),
      cache: await folder('c'),
      follow: true,
      interval: '0.05',
      witnesses: [witness],
      ...args,
    },
    { stdout, stderr, signal: stop.signal },
  );
  await eventually(
    async () => (stderr.text.includes('waiting for the witnesses') ? true : undefined),
    'the wait for the witnesses',
  );
  return { done, stdout, stderr, stop };
}

async function verify(coop: Coop, cache: string, args: Partial<RulesCommandArgs> = {}) {
  await coop.checkpointed();
  const stdout = new Captured();
  const stderr = new Captured();
  const code = await runRulesCommand(
    { url: coop.logUrl, key: coop.server.log.verifierKey, cache, ...args },
    { stdout, stderr },
  );
  return { code, stdout: stdout.text, stderr: stderr.text };
}

type Violations = { index: number; type: string; rule: string; message: string }[];

/** A local HTTP server that collects the alarms POSTed to it. */
async function webhookReceiver() {
  const alarms: Alarm[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.headers['content-type'] === 'application/json') {
        alarms.push(JSON.parse(body) as Alarm);
      }
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alarm`, alarms };
}

/** `allmende verify …` as a child process, its output collected as it comes. */
function spawnVerify(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'verify', ...args], {
    env: { ...process.env, ALLMENDE_DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output, exited };
}

describe.each(DIALECTS)('allmende verify (%s)', (dialect) => {
  it('passes a cooperative that kept the rules, and names each entry written past them', async () => {
    const { coop } = await activeCoop(dialect);
    const cache = await folder('cache');
    const clean = await verify(coop, cache);
    expect(clean.code, clean.stderr).toBe(0);
    const size = coop.server.log.size;
    expect(clean.stdout).toContain(`Verified the log ${coop.server.log.origin} at ${coop.logUrl}`);
    expect(clean.stdout).toMatch(
      new RegExp(`\\n  checkpoint  size ${size}, root hash \\S+, signature valid\\n`),
    );
    expect(clean.stdout).toContain(
      `Replayed ${size} statements from the genesis against the rules in force at each:`,
    );
    for (const type of [
      'access.approved 2',
      'cert.issued 1',
      'ca.created 1',
      'session.started 1',
    ]) {
      expect(clean.stdout).toContain(type);
    }
    expect(clean.stdout).toContain('\n  rules       kept: no entry breaks a rule\n');

    // The server signs behind the members' backs. A second request by bo, approved by ada only.
    const second = await coop.requestAccess('bo');
    const adaApproval = (await coop.approve('ada', second)).approvals[0]!.index;
    // dana approves it with the key she revoked: the server refuses that, the log key does not.
    const revokedApproval = await coop.appendRaw(
      await coop.signed(
        'dana',
        'access.approved',
        { request: second.id, digest: second.digest },
        'dana2',
      ),
    );
    // The CA certifies it anyway, on one approval where the policy needs two.
    const caPublicKey = (await readFile(join(coop.store.dataDir, 'ca-key.pub'), 'utf8')).trim();
    const ca = new CertificateAuthority({
      keyFile: join(coop.store.dataDir, 'ca-key'),
      publicKey: caPublicKey,
    });
    const now = Math.floor(Date.now() / 1000);
    const keyId = accessKeyId(coop.server.log.origin, second.id);
    const certificate = await ca.issue({
      publicKey: keys.get('bo')!.canonical,
      keyId,
      serial: 1000,
      principal: 'root',
      validAfter: now,
      validBefore: now + 30 * 60,
      forceCommand: '/usr/local/bin/allmende-recorder',
    });
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    const unapproved = await coop.appendRaw({
      type: 'cert.issued',
      actor: 'coop',
      body: {
        request: second.id,
        approvals: [adaApproval],
        serial: 1000,
        keyId,
        principal: 'root',
        validAfter: iso(now),
        validBefore: iso(now + 30 * 60),
        key: keys.get('bo')!.fingerprint,
        digest: createHash('sha256')
          .update(Buffer.from(certificate.split(' ')[1]!, 'base64'))
          .digest('hex'),
        certificate,
      },
    });
    // A session on a request nobody approved, with a serial no certificate has.
    const third = await coop.requestAccess('bo');
    const uncertified = await coop.session(third.id, 4242, 'session-00000000000002');
    await coop.notices(2, 'nothing to see');

    const expected = [
      { index: revokedApproval, type: 'access.approved', rule: 'signature.revoked-key' },
      { index: unapproved, type: 'cert.issued', rule: 'access.approvals' },
      { index: uncertified, type: 'session.started', rule: 'session.certificate' },
    ];
    const broken = await verify(coop, cache);
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stdout).toContain('  consistent  with the checkpoint verified last time');
    expect(broken.stdout).toContain('\n  rules       BROKEN: 3 violations\n');
    const listed = broken.stdout.split('\n').filter((line) => line.startsWith('  entry '));
    expect(listed).toHaveLength(3);
    expected.forEach((v, i) => {
      expect(listed[i]).toMatch(new RegExp(`^  entry ${v.index}  ${v.type}  ${v.rule}: \\S`));
    });
    expect(listed[1]).toContain('approvals by members other than bo: 1 of 2');

    const json = await verify(coop, cache, { json: true });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      log: { size: number; rootHash: string; entriesChecked: number };
      rules: { statements: number; byType: Record<string, number>; violations: Violations };
    };
    expect(report.ok).toBe(false);
    expect(report.log.size).toBe(coop.server.log.size);
    expect(report.rules.statements).toBe(coop.server.log.size);
    expect(report.rules.byType['cert.issued']).toBe(2);
    expect(report.rules.violations).toMatchObject(expected);

    // The command line as members run it.
    const cli = spawnVerify([coop.logUrl, '--key', coop.server.log.verifierKey, '--cache', cache]);
    expect(await cli.exited).toBe(1);
    expect(cli.output.stdout).toContain('BROKEN: 3 violations');
    const bad = await verify(coop, cache, { interval: '1' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('allmende verify: --interval goes with --follow\n');
  });

  it('--follow replays what is new and raises the alarm on an entry that breaks a rule', async () => {
    const coop = await Coop.start(dialect);
    await coop.notices(5, 'before');
    await coop.checkpointed();
    const webhook = await webhookReceiver();
    // dana logs in, so that the alarm can be a ticket too.
    const config = await folder('config');
    const login = spawn(
      process.execPath,
      [CLI, 'login', coop.server.url, '--handle', 'dana', '--key', keys.get('dana')!.path],
      { env: { ...process.env, ALLMENDE_CONFIG_DIR: config, ALLMENDE_DATABASE_URL: '' } },
    );
    expect(await new Promise((resolve) => login.once('exit', resolve))).toBe(0);

    const follow = spawnVerify(
      [
        coop.logUrl,
        '--key',
        coop.server.log.verifierKey,
        '--cache',
        await folder('cache'),
        '--follow',
        '--interval',
        '0.1',
        '--webhook',
        webhook.url,
        '--ticket',
      ],
      { ALLMENDE_CONFIG_DIR: config },
    );
    await eventually(
      async () => (follow.output.stdout.includes('rules       kept') ? true : undefined),
      'the first report',
      20_000,
    );
    expect(follow.output.stdout).toContain(`checkpoint  size ${coop.server.log.size},`);
    await coop.notices(4, 'later');
    const grown = coop.server.log.size;
    await eventually(
      async () => (follow.output.stdout.includes(`size ${grown} (+`) ? true : undefined),
      'the new entries',
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(follow.output)}`);
    });
    // Each new checkpoint on a line of its own (the notices may come in one or several).
    const lines = follow.output.stdout
      .split('\n')
      .filter((line) => / size \d+ \(\+\d+\)/.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatch(/root hash \S+: consistent, rules kept$/);
    expect(follow.child.exitCode).toBeNull();

    // A policy change in ada's name, signed with bo's key, written with the log key.
    const policy = coop.server.coop.policy().policy;
    const forged = await coop.appendRaw(
      await coop.signed('ada', 'policy.set', { policy: { ...policy, witnessQuorum: 0 } }, 'bo'),
    );
    expect(await follow.exited).toBe(1);
    expect(follow.output.stderr).toMatch(
      new RegExp(
        `ALARM \\(violation\\): 1 entry breaks the rules: entry ${forged} \\(policy.set\\) signature\\.`,
      ),
    );
    expect(follow.output.stdout).toMatch(
      new RegExp(`\\n  entry ${forged}  policy.set  signature\\.[a-z-]+: `),
    );
    expect(webhook.alarms).toHaveLength(1);
    const [alarm] = webhook.alarms;
    expect(alarm).toMatchObject({
      alarm: 'violation',
      log: { url: coop.logUrl, origin: coop.server.log.origin },
      lastVerified: { size: forged + 1 },
    });
    expect(alarm!.violations.length).toBeGreaterThanOrEqual(1);
    for (const violation of alarm!.violations) {
      expect(violation).toMatchObject({ index: forged, type: 'policy.set' });
    }
    expect(follow.output.stderr).toContain(`alarm sent to ${webhook.url}`);
    const ticketId = Number(/ticket #(\d+) opened at /.exec(follow.output.stderr)?.[1]);
    const ticket = Ticket.parse(
      (await request(coop.server.url, 'GET', `/api/tickets/${ticketId}`)).body,
    );
    expect(ticket).toMatchObject({
      title: `Log alarm (violation): ${coop.server.log.origin}`,
      private: false,
      priority: 'urgent',
      requester: 'dana',
      service: null,
      labels: ['log-alarm'],
    });
    expect(ticket.body).toContain(`${forged}  policy.set  ${alarm!.violations[0]!.rule}`);
  });

  it('--follow raises the alarm when the history it saw is rewritten', async () => {
    const coop = await Coop.start(dialect);
    // More than a full tile (256 entries), so that following fetches only the last bundle.
    await coop.noticesAtOnce(299, 'honest');
    const webhook = await webhookReceiver();
    const stdout = new Captured();
    const stderr = new Captured();
    const following = runRulesCommand(
      {
        url: coop.logUrl,
        key: coop.server.log.verifierKey,
        cache: await folder('cache'),
        follow: true,
        interval: '0.1',
        webhook: webhook.url,
        json: true,
      },
      { stdout, stderr },
    );
    const first = coop.server.log.size;
    await eventually(
      async () => (stdout.text.includes('"event":"verified"') ? true : undefined),
      'the first report',
      20_000,
    );
    await coop.noticesAtOnce(3, 'more');
    const seen = coop.server.log.size;
    const grown = await eventually(async () => {
      const line = stdout.text.split('\n').find((l) => l.includes('"event":"checkpoint"'));
      return line === undefined
        ? undefined
        : (JSON.parse(line) as {
            log: { size: number; entriesChecked: number; consistency: { against: string }[] };
            rules: { statements: number };
          });
    }, 'the grown checkpoint');
    // Only the partial bundle after the full tile was fetched and checked, and replayed after
    // what was replayed before.
    expect(grown.log.size).toBe(seen);
    expect(grown.log.entriesChecked).toBe(seen - 256);
    expect(grown.rules.statements).toBe(seen);
    expect(grown.log.consistency.map((c) => c.against)).toEqual(['before', 'cache']);
    // The server goes down (the follower waits), and comes back with another history.
    await coop.server.close();
    await eventually(
      async () => (stdout.text.includes('"event":"retry"') ? true : undefined),
      'a retry',
    );
    await rewriteHistory(coop.store, 10, 'history as someone would rather have it');
    // Grown on another port first, so that the follower sees a larger tree, not just another
    // root for the size it saw.
    const port = new URL(coop.server.url).port;
    await coop.startAgain('0');
    await coop.notices(2, 'on top');
    await coop.checkpointed();
    await coop.server.close();
    await coop.startAgain(port);

    expect(await following).toBe(1);
    const events = stdout.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string } & Partial<Alarm>);
    expect(events[0]).toMatchObject({ event: 'verified', ok: true, log: { size: first } });
    expect(events.at(-1)).toMatchObject({ event: 'alarm', alarm: 'inconsistent' });
    expect(events.at(-1)!.message).toMatch(
      new RegExp(
        `^the checkpoint verified before \\(size ${seen}\\) is not consistent with this one \\(size ${seen + 2}\\): the first ${seen} entries of the log hash to \\S+, not \\S+; the log forked or was rewritten$`,
      ),
    );
    expect(webhook.alarms).toMatchObject([
      { alarm: 'inconsistent', lastVerified: { size: seen }, violations: [] },
    ]);
  });
});

describe('allmende verify --follow', () => {
  it('stops cleanly on SIGTERM, waits for witnesses, alarms on a failed log check, refuses bad options', async () => {
    const coop = await Coop.start('sqlite');
    await coop.notices(3, 'quiet');
    await coop.checkpointed();
    const args = [coop.logUrl, '--key', coop.server.log.verifierKey, '--cache', await folder('c')];
    const follow = spawnVerify([...args, '--follow', '--interval', '0.05']);
    await eventually(
      async () => (follow.output.stdout.includes('rules       kept') ? true : undefined),
      'the first report',
      20_000,
    );
    follow.child.kill('SIGTERM');
    expect(await follow.exited).toBe(0);
    expect(follow.output.stderr).toContain(
      `stopped; the log was consistent and the rules kept up to size ${coop.server.log.size}`,
    );

    for (const [option, message] of [
      [{ interval: '0' }, 'invalid --interval 0'],
      [{ interval: 'soon' }, 'invalid --interval soon'],
      [{ webhook: 'ftp://example.test/' }, 'invalid --webhook ftp://example.test/'],
      [{ witnessQuorum: 'two' }, 'invalid --witness-quorum two'],
    ] as const) {
      const bad = await verify(coop, await folder('c'), { follow: true, ...option });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(message);
    }

    // Witnesses that have not cosigned: waited for, not an alarm; a stop ends the wait.
    const { done: waiting, stdout, stderr, stop } = await followWithoutWitnesses(coop);
    expect(stdout.text).toContain('  witnesses   not yet: checkpoint: cosigned by 0 of the 1');
    stop.abort();
    expect(await waiting).toBe(0);
    expect(stderr.text).not.toContain('ALARM');

    // A log that fails a check of log verify: the alarm at once.
    const { verifierKey: otherKey } = await generateNoteKeys(coop.server.log.origin);
    const wrongKey = await verify(coop, await folder('c'), {
      follow: true,
      interval: '0.05',
      key: otherKey,
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(
      /^allmende verify: ALARM \(log-check\): checkpoint signature invalid: /,
    );

    const config = await folder('no-login');
    const noLogin = spawnVerify([...args, '--follow', '--ticket'], { ALLMENDE_CONFIG_DIR: config });
    expect(await noLogin.exited).toBe(1);
    expect(noLogin.output.stderr).toContain(`run allmende login ${coop.server.url} first`);
  });

  it('raises the alarm when no checkpoint reaches the witness quorum for ten minutes', async () => {
    const coop = await Coop.start('sqlite');
    await coop.notices(2, 'quiet');
    await coop.checkpointed();
    const webhook = await webhookReceiver();
    const { done, stderr, stop } = await followWithoutWitnesses(coop, { webhook: webhook.url });
    expect(stderr.text).not.toContain('ALARM');
    // The clock alone is moved; the polls go on on real timers.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000);
      expect(await done).toBe(1);
    } finally {
      stop.abort();
      vi.useRealTimers();
    }
    expect(stderr.text).toMatch(
      /allmende verify: ALARM \(witnesses\): no checkpoint reached the witness quorum for 11 minutes: .*cosigned by 0 of the 1/,
    );
    expect(webhook.alarms).toMatchObject([{ alarm: 'witnesses', violations: [] }]);
  });
});
