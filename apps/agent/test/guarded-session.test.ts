import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  EnrolmentToken,
  SessionInfo,
  SessionList,
  frameSealedPieces,
  splitSealedPieces,
  type StatementOf,
  type StatementType,
} from '@allmende/protocol';
import { openTranscript } from '@allmende/protocol/open-transcript';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { errorOf, request, signIn } from '../../server/test/api.ts';
import {
  DIALECTS,
  createTestStore,
  eventually,
  type TestStore,
} from '../../server/test/harness.ts';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { draft, signedBy, testMember } from '../../../test/support/members.ts';
import {
  makeKey,
  SSHD,
  makeKrl,
  signCertificate,
  startRelay,
  startSshd,
  type KeyPair,
  type Relay,
  type Sshd,
} from '../../../test/support/openssh.ts';
import { TestSessionAuthority } from '../../../test/support/session-authority.ts';
import { readAgentConfig } from '../src/agent-dir.ts';
import { attest } from '../src/attest.ts';
import { RECORDER_SCRIPT, enroll, refreshKrl } from '../src/enroll.ts';
import { OPEN_POLICY, Terminal, ssh, startCaServer, textOf } from './support/e2e.ts';

const run = promisify(execFile);

// ada is in the oversight group (she holds an age key); bo asks for access and cem watches.
const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const HOST = 'h1';

describe.each(DIALECTS)('guarded sessions through the real sshd, on %s', (dialect) => {
  let store: TestStore;
  let dir: string;
  let server: RunningServer;
  let relay: Relay;
  let sshd: Sshd;
  let ca: KeyPair;
  let otherCa: KeyPair;
  let stewardKey: KeyPair;
  let identity: string;
  let krl: Uint8Array;
  let caServer: Awaited<ReturnType<typeof startCaServer>>;
  let boToken: string;
  let cemToken: string;
  const authority = { current: undefined as TestSessionAuthority | undefined };
  /** While set, the server holds every acknowledgement back; `stored` learns the first seq. */
  let holdAcks: { release: Promise<void>; stored: (seq: number) => void } | undefined;
  let serial = 100;

  const agentDir = () => join(dir, 'agent');
  const logOf = async <T extends StatementType>(type: T) =>
    (await server.log.entries(0, server.log.size))
      .map((e) => e.statement)
      .filter((s) => s.type === type) as StatementOf<T>[];

  /** A certificate of `ca` for root, for a request the test CA has approved. */
  const certificate = async (
    options: { request?: string; forceCommand?: boolean; validity?: string; by?: KeyPair } = {},
  ) => {
    const key = await makeKey(dir, `user-${++serial}`);
    const line = await signCertificate(options.by ?? ca, key, {
      keyId: options.request ?? 'req-1',
      principals: ['root'],
      serial,
      validity: options.validity,
      forceCommand: options.forceCommand === false ? undefined : RECORDER_SCRIPT,
    });
    return { key, path: `${key.path}-cert.pub`, line, serial };
  };

  const sessions = async (state = 'all') =>
    SessionList.parse((await request(server.url, 'GET', `/api/sessions?state=${state}`)).body)
      .sessions;
  const sessionOfSerial = (s: number) =>
    eventually(async () => (await sessions()).find((x) => x.serial === String(s)), `session ${s}`);
  const endedSessionOfSerial = (s: number) =>
    eventually(
      async () => (await sessions()).find((x) => x.serial === String(s) && x.state === 'ended'),
      `session ${s} to end`,
    );

  /**
   * The stored transcript of an ended session, as a member of the oversight group opens it,
   * after checking it against the log: its digest in `session.ended`, and each chunk's sealed
   * digest over exactly its pieces, framed as the transcript frames them.
   */
  const storedTranscript = async (session: string) => {
    const chunks = (await logOf('session.chunk')).filter((s) => s.body.session === session);
    const ended = (await logOf('session.ended')).find((s) => s.body.session === session);
    const download = await fetch(`${server.url}/api/sessions/${session}/transcript`, {
      headers: { authorization: `Bearer ${cemToken}` },
    });
    const sealed = new Uint8Array(await download.arrayBuffer());
    expect(createHash('sha256').update(sealed).digest('hex')).toBe(ended?.body.transcript);
    const pieces = splitSealedPieces(sealed);
    expect(chunks.at(-1)?.body.pieces.to).toBe(pieces.length);
    for (const chunk of chunks) {
      const { from, to } = chunk.body.pieces;
      const framed = frameSealedPieces(pieces.slice(from, to));
      expect(createHash('sha256').update(framed).digest('hex')).toBe(chunk.body.sealed);
    }
    return { sealed, chunks, ended, records: await openTranscript(sealed, identity) };
  };

  beforeAll(async () => {
    store = await createTestStore(dialect);
    dir = await mkdtemp(join(tmpdir(), 'allmende-e2e-'));
    identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const founders = [ada, bo, cem].map((m) => ({
      handle: m.handle,
      name: m.name,
      keys: m === ada ? [m.key, { kind: 'age' as const, recipient }] : [m.key],
    }));
    ca = await makeKey(dir, 'ca');
    otherCa = await makeKey(dir, 'other-ca');
    stewardKey = await makeKey(dir, 'steward');
    const testAuthority = new TestSessionAuthority(ca.publicKey);
    testAuthority.approve({ id: 'req-1', ticket: 1, requester: 'bo' }, OPEN_POLICY);
    testAuthority.approve(
      { id: 'req-watched', ticket: 2, requester: 'bo' },
      { ...OPEN_POLICY, observer: true },
    );
    testAuthority.approve(
      { id: 'req-no-files', ticket: 3, requester: 'bo' },
      { ...OPEN_POLICY, fileTransfers: false },
    );
    authority.current = testAuthority;
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders,
      sessionAuthority: testAuthority,
      beforeAck: async (_session, seq) => {
        const hold = holdAcks;
        if (hold) {
          hold.stored(seq);
          await hold.release;
        }
      },
    });
    await server.coop.submit(
      await signedBy(
        draft('host.added', 'ada', {
          name: HOST,
          address: '127.0.0.1',
          provider: 'Test',
          location: 'Loopback',
          monthlyCost: { amount: 0, currency: 'EUR' },
        }),
        server.log.origin,
        ada,
      ),
    );
    relay = await startRelay(server.url);
    krl = await makeKrl(dir, ca, []);
    caServer = await startCaServer(ca.publicKey, () => krl);
    sshd = await startSshd(join(dir, 'sshd'));
    boToken = await signIn(server.url, bo);
    cemToken = await signIn(server.url, cem);

    const issued = EnrolmentToken.parse(
      (await request(server.url, 'POST', `/api/hosts/${HOST}/enrol`, { token: boToken })).body,
    );
    await enroll({
      server: relay.url,
      host: HOST,
      token: issued.token,
      dir: agentDir(),
      logins: ['root'],
      dropIn: join(sshd.dropIns, 'allmende.conf'),
      sshdConfig: sshd.config,
      sshdPidFile: sshd.pidFile,
      caUrl: `${caServer.url}/ca`,
      krlUrl: `${caServer.url}/krl`,
    });
  });

  afterAll(async () => {
    await sshd?.stop();
    await relay?.close();
    await caServer?.close();
    await server?.close();
    await store?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('enrols the host: a checked drop-in, its key in host.enrolled, the token used up', async () => {
    const dropIn = await readFile(join(sshd.dropIns, 'allmende.conf'), 'utf8');
    expect(dropIn).toContain('Match User root');
    expect(dropIn).toContain('AuthorizedKeysFile none');
    expect(dropIn).toContain('ExposeAuthInfo yes');
    expect(dropIn).toContain('DisableForwarding yes');
    expect(dropIn).toMatch(/ForceCommand .*allmende-recorder\.js --agent-dir /);
    await run(SSHD, ['-t', '-f', sshd.config]);
    const [enrolled] = await logOf('host.enrolled');
    const hostKey = (await readFile(join(agentDir(), 'host-key.pub'), 'utf8'))
      .split(' ')
      .slice(0, 2);
    expect(enrolled?.body).toMatchObject({
      host: HOST,
      hostKey: hostKey.join(' '),
      logins: ['root'],
    });
    const digests = new Map(enrolled!.body.installed.map((f) => [f.path, f.digest]));
    expect(digests.get(join(sshd.dropIns, 'allmende.conf'))).toBe(
      createHash('sha256').update(dropIn).digest('hex'),
    );
    const again = await request(server.url, 'POST', `/api/hosts/${HOST}/enrol`, { token: boToken });
    const second = EnrolmentToken.parse(again.body);
    const reuse = await request(server.url, 'POST', `/api/hosts/${HOST}/enrolment`, {
      json: {
        token: second.token,
        hostKey: enrolled!.body.hostKey,
        logins: ['root'],
        installed: enrolled!.body.installed,
        proof: 'not a signature',
      },
    });
    expect(errorOf(reuse).code).toBe('HOST_ENROLMENT_INVALID');
  });

  it('records an interactive session: typed input reaches the shell only through the log', async () => {
    const cert = await certificate();
    const terminal = new Terminal(sshd, cert.key, cert.path);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    terminal.type('echo hello-$((6*7))\r');
    await terminal.waitFor('hello-42');
    terminal.resize(120, 40);
    terminal.type('exit\r');
    expect(await terminal.exited).toBe(0);

    const session = await endedSessionOfSerial(cert.serial);
    expect(session).toMatchObject({
      kind: 'shell',
      principal: 'root',
      endReason: 'exit',
      exitCode: 0,
    });
    const started = (await logOf('session.started')).find((s) => s.body.session === session.id);
    expect(started?.body).toMatchObject({
      host: HOST,
      request: 'req-1',
      serial: String(cert.serial),
    });
    expect(started?.body.recipients).toEqual(['ada']);
    const { sealed, chunks, ended, records } = await storedTranscript(session.id);
    expect(chunks.length).toBeGreaterThan(0);
    expect(ended?.body).toMatchObject({ reason: 'exit', exitCode: 0, chunks: chunks.length });
    expect(textOf(records, 'input')).toContain('echo hello-$((6*7))\r');
    expect(textOf(records, 'output')).toContain('hello-42');
    expect(records).toContainEqual(
      expect.objectContaining({ kind: 'resize', cols: 120, rows: 40 }),
    );
    // What is stored is sealed: the plain text appears nowhere in it.
    expect(Buffer.from(sealed).includes('hello-42')).toBe(false);
    const anonymous = await request(server.url, 'GET', `/api/sessions/${session.id}/transcript`);
    expect(anonymous.status).toBe(401);
  });

  it('records a single command, with its command line public as the policy says', async () => {
    const cert = await certificate();
    const result = await ssh(sshd, cert.key, cert.path, ['echo', 'one-$((1+1))']);
    expect(result).toMatchObject({ code: 0, stdout: 'one-2\n' });
    const session = await sessionOfSerial(cert.serial);
    expect(session).toMatchObject({ kind: 'command', command: 'echo one-$((1+1))' });
  });

  it("stores megabytes of a command's output whole, and a slow client gets all of it", async () => {
    const cert = await certificate();
    const lines = 400_000;
    // The client reads slowly: the output backs up through sshd into the recorder, and the
    // command has exited while the client has yet to read the last of it.
    const result = await ssh(sshd, cert.key, cert.path, ['seq', String(lines)], {
      readSlowly: true,
    });
    const expected = Array.from({ length: lines }, (_, i) => `${i + 1}\n`).join('');
    expect(result.code).toBe(0);
    expect(firstDifference(result.stdout, expected)).toBeNull();
    const session = await endedSessionOfSerial(cert.serial);
    expect(session.outputBytes).toBe(expected.length);
    // 2.7 MB: pieces of 64 to 128 KiB, often several sealed in one write, and a chunk as soon
    // as 64 KiB of records are in.
    const { chunks, records } = await storedTranscript(session.id);
    expect(session.pieces).toBeGreaterThanOrEqual(20);
    expect(chunks.length).toBeGreaterThanOrEqual(20);
    expect(firstDifference(textOf(records, 'output'), expected)).toBeNull();
  });

  it('passes megabytes of input to a command, all of it stored', async () => {
    const cert = await certificate();
    const input = 'allmende\n'.repeat(300_000);
    const result = await ssh(sshd, cert.key, cert.path, ['wc', '-c'], { input });
    expect(result).toMatchObject({ code: 0, stdout: `${input.length}\n` });
    const session = await endedSessionOfSerial(cert.serial);
    expect(session.inputBytes).toBe(input.length);
    const { records } = await storedTranscript(session.id);
    expect(firstDifference(textOf(records, 'input'), input)).toBeNull();
  });

  it('stops reading a client that sends faster than the server stores', async () => {
    const cert = await certificate();
    let release!: () => void;
    const stored = new Promise<number>((resolve) => {
      holdAcks = { release: new Promise<void>((r) => (release = r)), stored: resolve };
    });
    const input = fastInput(24 * 1024 * 1024);
    const result = ssh(sshd, cert.key, cert.path, ['wc', '-c'], { input: input.stream });
    // Nothing is acknowledged: the client fills what lies between it and the recorder (ssh's
    // window of 2 MB, pipes, 1 MiB in the recorder, 1 MiB read ahead here), then waits.
    await stored;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(input.taken()).toBeGreaterThan(0);
    expect(input.taken()).toBeLessThan(6 * 1024 * 1024);
    holdAcks = undefined;
    release();
    expect(await result).toMatchObject({ code: 0, stdout: `${input.total}\n` });
  });

  it('stops reading a client that sends faster than the command reads', async () => {
    const cert = await certificate();
    const input = fastInput(24 * 1024 * 1024);
    const result = ssh(sshd, cert.key, cert.path, ['sleep 4; wc -c'], {
      input: input.stream,
    });
    // The server acknowledges what it stores, but the command reads nothing for 4 s.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(input.taken()).toBeGreaterThan(0);
    expect(input.taken()).toBeLessThan(6 * 1024 * 1024);
    expect(await result).toMatchObject({ code: 0, stdout: `${input.total}\n` });
  });

  it('holds back a client that types faster than the shell in its terminal reads', async () => {
    const cert = await certificate();
    // Whole lines: a terminal's line discipline keeps them for the shell, where it would drop
    // the rest of an overlong line. The shell reads none of it for 4 s, then exits.
    const input = fastInput(24 * 1024 * 1024, 'allmende\n');
    const result = await ssh(sshd, cert.key, cert.path, ['sleep 4'], {
      input: input.stream,
      terminal: true,
    });
    // The recorder kept its turn: it saw the shell exit and ended the session.
    expect(result.code).toBe(0);
    // It read from the client only while what waited for the shell stayed under its mark, so
    // the transcript does not hold megabytes that never reached the shell.
    const session = await endedSessionOfSerial(cert.serial);
    expect(session.inputBytes).toBeGreaterThan(0);
    expect(session.inputBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('ends a command whose client is gone, and the session with it', async () => {
    const cert = await certificate();
    // A command that would write for hours; its first number marks its process.
    const start = `7${cert.serial}000`;
    const result = await ssh(sshd, cert.key, cert.path, ['seq', start, '999999999999'], {
      goneAfter: 100_000,
    });
    expect(result.code).toBeNull();
    // The recorder hung the command up and reported its end, as for a closed terminal.
    const session = await endedSessionOfSerial(cert.serial);
    expect(session).toMatchObject({ endReason: 'exit' });
    expect(session.outputBytes).toBeGreaterThanOrEqual(100_000);
    await eventually(
      async () => (await pgrep(`seq ${start} `)) === '' || undefined,
      'the command to end',
    );
  });

  it('gives a certificate without force-command the recorder all the same', async () => {
    const cert = await certificate({ forceCommand: false });
    const result = await ssh(sshd, cert.key, cert.path, ['echo', 'recorded']);
    expect(result).toMatchObject({ code: 0, stdout: 'recorded\n' });
    expect(await sessionOfSerial(cert.serial)).toMatchObject({ kind: 'command' });
  });

  it('refuses a plain key, another CA, an expired and a revoked certificate in sshd', async () => {
    await writeFile(sshd.authorizedKeys, `${stewardKey.publicKey}\n`);
    const plain = await ssh(sshd, stewardKey, undefined, ['true']);
    expect(plain.code).toBe(255);
    expect(plain.stderr).toContain('Permission denied');

    const foreign = await certificate({ by: otherCa });
    expect((await ssh(sshd, foreign.key, foreign.path, ['true'])).code).toBe(255);

    const expired = await certificate({ validity: '20200101:20200102' });
    expect((await ssh(sshd, expired.key, expired.path, ['true'])).code).toBe(255);

    const revoked = await certificate();
    expect((await ssh(sshd, revoked.key, revoked.path, ['echo', 'before'])).stdout).toBe(
      'before\n',
    );
    krl = await makeKrl(dir, ca, [revoked.serial]);
    expect(await refreshKrl(await readAgentConfig(agentDir()), agentDir())).toBe(true);
    const after = await ssh(sshd, revoked.key, revoked.path, ['echo', 'after']);
    expect(after.code).toBe(255);
    expect(sshd.log()).toMatch(/revoked/i);
    // None of them got a session.
    const serials = new Set((await sessions()).map((s) => s.serial));
    for (const s of [foreign.serial, expired.serial]) expect(serials.has(String(s))).toBe(false);
  });

  it('refuses a file transfer the policy does not allow, and logs the refusal', async () => {
    const cert = await certificate({ request: 'req-no-files' });
    const result = await ssh(sshd, cert.key, cert.path, ['-s', 'sftp'], { input: '' });
    expect(result.code).not.toBe(0);
    const refused = await eventually(
      async () =>
        (await logOf('session.refused')).find((s) => s.body.serial === String(cert.serial)),
      'session.refused',
    );
    expect(refused.body).toMatchObject({ kind: 'sftp', code: 'SESSION_FILE_TRANSFER_REFUSED' });
  });

  it('records an allowed sftp transfer', async () => {
    const cert = await certificate();
    const target = join(dir, `sftp-${cert.serial}.txt`);
    const source = join(dir, 'source.txt');
    await writeFile(source, 'transferred through the recorder\n');
    const child = execFile('sftp', [
      '-b',
      '-',
      '-P',
      String(sshd.port),
      '-i',
      cert.key.path,
      '-o',
      `CertificateFile=${cert.path}`,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      'root@127.0.0.1',
    ]);
    child.stdin?.end(`put ${source} ${target}\n`);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await readFile(target, 'utf8')).toBe('transferred through the recorder\n');
    const session = await eventually(
      async () =>
        (await sessions()).find((s) => s.serial === String(cert.serial) && s.state === 'ended'),
      'the sftp session',
    );
    expect(session.kind).toBe('sftp');
    expect(session.inputBytes).toBeGreaterThan(30);
  });

  it('waits for an observer when the policy wants one, and an observer ends the session', async () => {
    const cert = await certificate({ request: 'req-watched' });
    const terminal = new Terminal(sshd, cert.key, cert.path);
    await terminal.waitFor('waiting until a member watches');
    const session = await sessionOfSerial(cert.serial);
    expect(session.state).toBe('waiting');

    const watcher = new WebSocket(
      `${server.url.replace('http', 'ws')}/ws/sessions/${session.id}/watch`,
      {
        headers: { authorization: `Bearer ${cemToken}` },
      },
    );
    let watched = '';
    watcher.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) watched += data.toString();
    });
    await terminal.waitFor(/[#$] $/m, 'a prompt once cem watches');
    terminal.type('echo watched-$((2*3))\r');
    await terminal.waitFor('watched-6');
    await eventually(
      async () => (watched.includes('watched-6') ? true : undefined),
      'the observer to see it',
    );

    const ended = await request(server.url, 'POST', `/api/sessions/${session.id}/end`, {
      token: cemToken,
    });
    expect(SessionInfo.parse(ended.body)).toMatchObject({
      state: 'ended',
      endReason: 'ended-by-observer',
      endedBy: 'cem',
    });
    expect(await terminal.exited).not.toBe(0);
    expect(terminal.screen).toContain('cem ended this session');
    watcher.close();
  });

  it('never writes input to the shell before the server acknowledged it', async () => {
    const cert = await certificate();
    const marker = join(dir, `unacknowledged-${cert.serial}`);
    const terminal = new Terminal(sshd, cert.key, cert.path);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    let release!: () => void;
    const stored = new Promise<number>((resolve) => {
      holdAcks = { release: new Promise<void>((r) => (release = r)), stored: resolve };
    });
    terminal.type(`touch ${marker}\r`);
    await stored;
    // The server holds the input; an observer ends the session before any acknowledgement.
    const session = await sessionOfSerial(cert.serial);
    const ending = request(server.url, 'POST', `/api/sessions/${session.id}/end`, {
      token: cemToken,
    });
    expect(await terminal.exited).not.toBe(0);
    holdAcks = undefined;
    release();
    expect((await ending).status).toBe(200);
    expect(existsSync(marker)).toBe(false);
    const ended = await endedSessionOfSerial(cert.serial);
    const { records } = await storedTranscript(ended.id);
    // Stored (the log has it), never run.
    expect(textOf(records, 'input')).toContain(`touch ${marker}`);
  });

  it('ends the shell when the server goes away mid-session, and opens none without it', async () => {
    const cert = await certificate();
    const terminal = new Terminal(sshd, cert.key, cert.path);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    relay.cut();
    onTestFinished(() => relay.restore());
    expect(await terminal.exited).not.toBe(0);
    expect(terminal.screen).toContain('the session ends');
    const lost = await eventually(
      async () =>
        (await sessions()).find((s) => s.serial === String(cert.serial) && s.state === 'ended'),
      'the server to notice',
    );
    expect(lost.endReason).toBe('channel-lost');

    const down = await certificate();
    const result = await ssh(sshd, down.key, down.path, ['echo', 'should-not-run']);
    relay.restore();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no session');
    expect(await readFile(join(agentDir(), 'refused.log'), 'utf8')).toContain('"login":"root"');
  });

  it('attests the host; a change no session explains opens a ticket for oversight', async () => {
    const home = join(dir, 'home');
    const config = JSON.parse(await readFile(join(agentDir(), 'agent.json'), 'utf8')) as {
      attest: { sudoers: string[]; authorizedKeys: string[]; packages: string | null };
    };
    config.attest = {
      sudoers: [join(dir, 'sudoers')],
      authorizedKeys: [join(home, 'root', '.ssh')],
      packages: null,
    };
    await writeFile(join(agentDir(), 'agent.json'), JSON.stringify(config));
    await writeFile(join(dir, 'sudoers'), 'root ALL=(ALL) ALL\n');
    const first = await attest(agentDir());
    expect(first).toMatchObject({ changed: [], unexplained: false });
    const quiet = await attest(agentDir());
    expect(quiet).toMatchObject({ changed: [], unexplained: false, ticket: null });
    await writeFile(join(dir, 'sudoers'), 'root ALL=(ALL) ALL\nmallory ALL=(ALL) NOPASSWD: ALL\n');
    const changed = await attest(agentDir());
    expect(changed).toMatchObject({ changed: [join(dir, 'sudoers')], unexplained: true });
    const ticket = await request(server.url, 'GET', `/api/tickets/${changed.ticket}`, {
      token: await signIn(server.url, ada),
    });
    expect(ticket.body, JSON.stringify(ticket.body)).toMatchObject({
      private: true,
      title: `Unexplained change on ${HOST}`,
    });
    const attested = await logOf('host.attested');
    expect(attested.at(-1)?.body).toMatchObject({ unexplained: true, ticket: changed.ticket });
  });
});

/** Where long texts first differ, and what is there: a failure shows the place, not megabytes. */
function firstDifference(actual: string, expected: string) {
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  if (at === actual.length && at === expected.length) return null;
  const around = (text: string) => text.slice(Math.max(0, at - 20), at + 20);
  return {
    at,
    lengths: [actual.length, expected.length],
    actual: around(actual),
    expected: around(expected),
  };
}

/** The processes whose command line holds `pattern`, one per line (pgrep -af). */
async function pgrep(pattern: string): Promise<string> {
  try {
    return (await run('pgrep', ['-af', pattern])).stdout;
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

/** Input in 64 KiB pieces, as fast as a reader takes it; `taken()` tells how much it took. */
function fastInput(total: number, fill = 'a') {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let taken = 0;
  const stream = Readable.from(
    (function* () {
      for (; taken < total; taken += chunk.length) yield chunk;
    })(),
  );
  return { total, stream, taken: () => taken };
}
