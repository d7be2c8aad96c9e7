/**
 * The session recorder's cost, measured against a terminal without it on the same machine in
 * the same run: keystroke round trips (a key typed until its echo comes back) and output
 * throughput (`cat` of 100 MB). Through the recorder, every key goes to the server, is sealed
 * and stored before the shell gets it, and the output streams to the server as it comes.
 *
 * The recorder runs in a terminal of its own as sshd would start it (SSH_USER_AUTH with a
 * certificate of a test CA, SSH_TTY), without sshd itself, whose cost is the same either way.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isMainThread,
  parentPort,
  Worker,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import { EnrolmentToken, SessionList, type AccessPolicy } from '@allmende/protocol';
import pty from '@lydell/node-pty';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { agentFiles, writeFileAtomic, type AgentConfig } from '../apps/agent/src/agent-dir.ts';
import { RECORDER_SCRIPT } from '../apps/agent/src/enroll.ts';
import { generateHostKey, signAsHost } from '../apps/agent/src/host-key.ts';
import { startServer } from '../apps/server/src/server.ts';
import { request, signIn } from '../apps/server/test/api.ts';
import { createTestStore } from '../apps/server/test/harness.ts';
import { hostBody } from '../test/support/coop-fixtures.ts';
import { draft, signedBy, testMember } from '../test/support/members.ts';
import { makeKey, signCertificate } from '../test/support/openssh.ts';
import { TestSessionAuthority } from '../test/support/session-authority.ts';
import { FLOOR_RELAY, startFloorServer } from './write-ahead-floor.ts';

export type SessionFigures = {
  keystrokes: number;
  runs: number;
  directRoundTripP50Ms: number;
  directRoundTripP99Ms: number;
  recorderRoundTripP50Ms: number;
  recorderRoundTripP99Ms: number;
  addedP99Ms: number;
  firstSessionRoundTripP50Ms: number;
  firstSessionRoundTripP99Ms: number;
  outputBytes: number;
  directMBPerSecond: number;
  recorderMBPerSecond: number;
  throughputRatio: number;
  relayRoundTripP50Ms: number;
  relayRoundTripP99Ms: number;
  relayMBPerSecond: number;
  relayRatio: number;
  floorRoundTripP50Ms: number;
  floorRoundTripP99Ms: number;
  floorAddedP99Ms: number;
  recorderOverFloorP99Ms: number;
  floorMBPerSecond: number;
  floorRatio: number;
};

const KEYSTROKES = 1000;
/** Pairs of measurement and baseline; each figure is the median over them. */
const RUNS = 3;
const WARMUP = 50;
const OUTPUT_BYTES = 100 * 1000 * 1000;
const POLICY: AccessPolicy = {
  approvals: 1,
  observer: false,
  maxCertificateMinutes: 240,
  commandLines: 'public',
  fileTransfers: true,
};

export async function benchSession(say: (line: string) => void): Promise<SessionFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-bench-session-'));
  const ca = await makeKey(dir, 'ca');
  const server = await startServerThread(ca.publicKey);
  const floorServer = await startFloorServer(dir);
  try {
    const agentDir = await enrolWithoutSshd(server.url, server.origin, server.token, dir);
    const user = await makeKey(dir, 'user');
    const certificate = await signCertificate(ca, user, {
      keyId: 'bench',
      principals: [process.env.USER ?? 'root'],
      serial: 1,
    });
    const auth = join(dir, 'ssh-user-auth');
    await writeFile(auth, `publickey ${certificate}\n`);
    const recorder = (command: string) =>
      terminal(process.execPath, [RECORDER_SCRIPT, '--agent-dir', agentDir], {
        ...process.env,
        SSH_USER_AUTH: auth,
        SSH_TTY: '/dev/pts/bench',
        SSH_ORIGINAL_COMMAND: command,
      });
    const direct = (command: string) => terminal('/bin/sh', ['-c', command]);
    // A terminal within a terminal without any recording, as tmux, screen or script(1) make
    // it: what relaying through a second terminal costs by itself.
    const relayed = (command: string) =>
      terminal('script', ['--quiet', '--return', '--command', command, '/dev/null']);
    // The least that write-ahead costs a key here, whoever builds the recorder: a relay in Node
    // waiting for a bare SQLite commit in a thread (write-ahead-floor.ts).
    const floor = (command: string) =>
      terminal(process.execPath, [FLOOR_RELAY, command], {
        ...process.env,
        FLOOR_URL: floorServer.url,
      });

    // A running server has recorded sessions before: its code is compiled and optimised. The
    // first session of a fresh server pays for that too; it is measured and reported apart. The
    // recorder is a new process for every session, in production as here, so it starts cold in
    // every one.
    say('  keystrokes through the recorder, first session of the server …');
    const firstSession = await roundTrips(recorder('cat'), true);
    // The machine's speed drifts from minute to minute: each measurement through the recorder
    // comes right after its baseline, script(1) and the floor, and each figure is the median of
    // RUNS.
    const keys: { direct: number[]; relay: number[]; floor: number[]; recorder: number[] }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      say(
        `  keystrokes, direct, through script(1), the floor and the recorder (${run} of ${RUNS}) …`,
      );
      keys.push({
        direct: await roundTrips(direct('cat')),
        relay: await roundTrips(relayed('cat')),
        floor: await roundTrips(floor('cat'), true),
        recorder: await roundTrips(recorder('cat'), true),
      });
    }
    // The keys went through the recorded sessions, not around them.
    const typed = SessionList.parse(
      (await request(server.url, 'GET', '/api/sessions')).body,
    ).sessions.map((s) => s.inputBytes);
    if (typed.length !== RUNS + 1 || typed.some((bytes) => bytes < KEYSTROKES))
      throw new Error(`the recorder's sessions hold only ${typed.join(', ')} typed bytes`);

    const file = join(dir, 'output');
    await writeFile(file, Buffer.alloc(OUTPUT_BYTES, 'allmende\n'));
    const rates: { direct: number; relay: number; floor: number; recorder: number }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      say(
        `  cat of 100 MB, direct, through script(1), the floor and the recorder (${run} of ${RUNS}) …`,
      );
      rates.push({
        direct: await throughput(direct(`cat ${file}`)),
        relay: await throughput(relayed(`cat ${file}`)),
        floor: await throughput(floor(`cat ${file}`)),
        recorder: await throughput(recorder(`cat ${file}`)),
      });
    }
    // All of it went to the server, not only to the terminal.
    const stored = SessionList.parse(
      (await request(server.url, 'GET', '/api/sessions')).body,
    ).sessions.filter((s) => s.command === `cat ${file}`);
    if (
      stored.length !== RUNS ||
      stored.some((s) => s.outputBytes < OUTPUT_BYTES || s.state !== 'ended')
    ) {
      const bytes = stored.map((s) => s.outputBytes).join(', ');
      throw new Error(`the recorder's sessions stored only ${bytes} bytes of output`);
    }

    const p = (times: number[], q: number) => percentile(times, q);
    const figures: SessionFigures = {
      keystrokes: KEYSTROKES,
      runs: RUNS,
      directRoundTripP50Ms: median(keys.map((k) => p(k.direct, 0.5))),
      directRoundTripP99Ms: median(keys.map((k) => p(k.direct, 0.99))),
      recorderRoundTripP50Ms: median(keys.map((k) => p(k.recorder, 0.5))),
      recorderRoundTripP99Ms: median(keys.map((k) => p(k.recorder, 0.99))),
      addedP99Ms: median(keys.map((k) => p(k.recorder, 0.99) - p(k.direct, 0.99))),
      firstSessionRoundTripP50Ms: round(p(firstSession, 0.5)),
      firstSessionRoundTripP99Ms: round(p(firstSession, 0.99)),
      outputBytes: OUTPUT_BYTES,
      directMBPerSecond: median(rates.map((r) => r.direct / 1e6)),
      recorderMBPerSecond: median(rates.map((r) => r.recorder / 1e6)),
      throughputRatio: median(rates.map((r) => r.recorder / r.direct)),
      relayRoundTripP50Ms: median(keys.map((k) => p(k.relay, 0.5))),
      relayRoundTripP99Ms: median(keys.map((k) => p(k.relay, 0.99))),
      relayMBPerSecond: median(rates.map((r) => r.relay / 1e6)),
      relayRatio: median(rates.map((r) => r.relay / r.direct)),
      floorRoundTripP50Ms: median(keys.map((k) => p(k.floor, 0.5))),
      floorRoundTripP99Ms: median(keys.map((k) => p(k.floor, 0.99))),
      floorAddedP99Ms: median(keys.map((k) => p(k.floor, 0.99) - p(k.direct, 0.99))),
      recorderOverFloorP99Ms: median(keys.map((k) => p(k.recorder, 0.99) - p(k.floor, 0.99))),
      floorMBPerSecond: median(rates.map((r) => r.floor / 1e6)),
      floorRatio: median(rates.map((r) => r.floor / r.direct)),
    };
    return figures;
  } finally {
    await floorServer.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

type ServerThread = { url: string; origin: string; token: string; close(): Promise<void> };

/**
 * The server runs in a thread of its own, as it runs in a process of its own in production:
 * node:sqlite commits synchronously, and in the benchmark's own thread each commit (an fsync)
 * would also stop the reading of the terminals measured, which sshd does in production.
 */
async function startServerThread(caPublicKey: string): Promise<ServerThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { caPublicKey } });
  const ready = await new Promise<{ url: string; origin: string; token: string }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  return {
    ...ready,
    close: async () => {
      const closed = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

/** The server thread: a server on SQLite with a member, a host and an approved request. */
async function serveInThread(caPublicKey: string, port: MessagePort): Promise<void> {
  const store = await createTestStore('sqlite');
  const ada = testMember('ada');
  const identity = await generateX25519Identity();
  const authority = new TestSessionAuthority(caPublicKey);
  authority.approve({ id: 'bench', ticket: 1, requester: 'ada' }, POLICY);
  const server = await startServer({
    dataDir: store.dataDir,
    databaseUrl: undefined,
    listen: '127.0.0.1:0',
    founders: [
      {
        handle: 'ada',
        name: 'Ada',
        keys: [ada.key, { kind: 'age', recipient: await identityToRecipient(identity) }],
      },
    ],
    sessionAuthority: authority,
  });
  await server.coop.submit(
    await signedBy(
      draft('host.added', 'ada', hostBody('bench', { address: '127.0.0.1' })),
      server.log.origin,
      ada,
    ),
  );
  port.once('message', () => {
    void (async () => {
      await server.close();
      await store.cleanup();
      port.postMessage('closed');
    })();
  });
  port.postMessage({
    url: server.url,
    origin: server.log.origin,
    token: await signIn(server.url, ada),
  });
}

if (!isMainThread && parentPort) {
  const { caPublicKey } = workerData as { caPublicKey: string };
  await serveInThread(caPublicKey, parentPort);
}

/** Enrols the agent folder through the API, as `agent enroll` does, without touching sshd. */
async function enrolWithoutSshd(url: string, origin: string, token: string, dir: string) {
  const agentDir = join(dir, 'agent');
  const files = agentFiles(agentDir);
  const { key, pem } = generateHostKey();
  await writeFileAtomic(files.hostKey, pem, 0o600);
  const issued = EnrolmentToken.parse(
    (await request(url, 'POST', '/api/hosts/bench/enrol', { token })).body,
  );
  const login = process.env.USER ?? 'root';
  const reply = await request(url, 'POST', '/api/hosts/bench/enrolment', {
    json: {
      token: issued.token,
      hostKey: key.publicKeyLine,
      logins: [login],
      installed: [{ path: '/dev/null', digest: createHash('sha256').digest('hex') }],
      proof: await signAsHost(key, issued.token, origin),
    },
  });
  if (reply.status !== 201) throw new Error(`enrolment failed: ${JSON.stringify(reply.body)}`);
  const config: AgentConfig = {
    server: url,
    origin,
    host: 'bench',
    logins: [login],
    sshdConfig: '/dev/null',
    dropIn: '/dev/null',
    sshd: '/usr/sbin/sshd',
    sshdPidFile: '/dev/null',
    caUrl: `${url}/ca`,
    krlUrl: `${url}/krl`,
    recorder: [process.execPath, RECORDER_SCRIPT],
    attest: { sudoers: [], authorizedKeys: [], packages: null },
  };
  await writeFileAtomic(files.config, JSON.stringify(config), 0o600);
  return agentDir;
}

/** A terminal of the same size for every measurement, running `file`. */
function terminal(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): pty.IPty {
  return pty.spawn(file, args, { name: 'xterm', cols: 120, rows: 40, env, encoding: null });
}

/** Types one key at a time and waits for its echo; returns each round trip in ms. */
async function roundTrips(terminal: pty.IPty, startsLate = false): Promise<number[]> {
  let seen = '';
  let wake: (() => void) | undefined;
  terminal.onData((data) => {
    seen += String(data);
    wake?.();
  });
  const until = async (text: string, from: number) => {
    while (!seen.slice(from).includes(text)) await new Promise<void>((r) => (wake = r));
  };
  const echo = async (key: string) => {
    const before = seen.length;
    terminal.write(key);
    await until(key, before);
  };
  // A relay in Node (the recorder, the floor's) starts late, and until it has made its terminal
  // raw, that terminal echoes too: wait until a line comes back twice, once echoed and once from
  // cat behind the relay.
  if (startsLate) {
    terminal.write('ready\r');
    while (seen.split('ready').length < 3) await new Promise<void>((r) => (wake = r));
  } else {
    await echo('s');
  }
  const times: number[] = [];
  for (let i = 0; i < WARMUP + KEYSTROKES; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const start = performance.now();
    await echo(key);
    if (i >= WARMUP) times.push(performance.now() - start);
    if (i % 60 === 59) await echo('\r');
  }
  // The end of input ends cat and with it the terminal; script(1) ignores a hangup while its
  // command runs.
  const exited = new Promise<void>((resolve) => terminal.onExit(() => resolve()));
  terminal.write('\r\x04');
  await exited;
  return times;
}

/** Bytes per second of a command's output in a terminal, until it exits. */
async function throughput(terminal: pty.IPty): Promise<number> {
  let bytes = 0;
  const start = performance.now();
  terminal.onData((data) => (bytes += (data as unknown as Buffer).length));
  await new Promise<void>((resolve) => terminal.onExit(() => resolve()));
  const seconds = (performance.now() - start) / 1000;
  if (bytes < OUTPUT_BYTES) throw new Error(`only ${bytes} bytes arrived`);
  return OUTPUT_BYTES / seconds;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;
const median = (values: number[]) => round(percentile(values, 0.5));
