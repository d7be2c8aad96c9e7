import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import {
  FRAME,
  MAX_FRAME_DATA,
  sessionKindOf,
  type PtySize,
  type SessionKind,
} from '@allmende/protocol';
import pty from '@lydell/node-pty';
import { AgentError } from './agent-error.ts';
import { agentFiles, DEFAULT_AGENT_DIR, readAgentConfig } from './agent-dir.ts';
import { ServerChannel, type ServerSays } from './channel.ts';
import { readHostKey } from './host-key.ts';
import { TerminalInput } from './terminal-input.ts';

/** Output held back from the server beyond this pauses the shell until the server takes it. */
const SEND_HIGH = 1024 * 1024;
/** How long output is gathered before it goes to the server (see #queueOutput). */
const OUTPUT_BATCH_MS = 4;
/** Input not yet acknowledged or not yet read by the shell beyond this holds the client back. */
const INPUT_HIGH = 1024 * 1024;
/** Output not yet taken by the client's terminal beyond this pauses the shell. */
const STDOUT_HIGH = 256 * 1024;
/** After SIGHUP, a shell has this long before SIGKILL. */
const KILL_MS = 1_000;
/** After the shell exited, the server has this long to confirm the end. */
const CLOSE_MS = 5_000;
/** Where sshd's subsystem sftp-server lives on Debian and others. */
const SFTP_SERVERS = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/libexec/sftp-server',
];

/** What sshd gives the forced command (sshd(8), "ExposeAuthInfo"; ssh(1) environment). */
export type RecorderEnvironment = {
  SSH_USER_AUTH?: string;
  SSH_ORIGINAL_COMMAND?: string;
  SSH_TTY?: string;
  [name: string]: string | undefined;
};

/**
 * The session recorder, sshd's ForceCommand for every guarded login. It reads the certificate
 * sshd accepted, opens the host's channel to the server and asks for a session; only when the
 * server opens it does a shell (or the one command) start. Each input chunk goes to the server
 * first and reaches the shell only once the server acknowledged that it stored it; output goes
 * to the server as it comes. Without the server there is no shell, and when the server goes
 * away the shell ends.
 *
 * Nothing is written to stdout before the channel is up: for sftp, stdout is the protocol.
 */
export async function runRecorder(
  argv: string[],
  env: RecorderEnvironment = process.env,
): Promise<number> {
  const say = (text: string) => process.stderr.write(`allmende: ${text}\r\n`);
  let agentDir: string;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { 'agent-dir': { type: 'string' } },
      strict: true,
    });
    agentDir = values['agent-dir'] ?? DEFAULT_AGENT_DIR;
  } catch (error) {
    say((error as Error).message);
    return 1;
  }
  const login = userInfo().username;
  const command = env.SSH_ORIGINAL_COMMAND ?? null;
  const kind = sessionKindOf(command);
  let channel: ServerChannel;
  let certificate: string;
  try {
    certificate = await certificateOf(env);
    const config = await readAgentConfig(agentDir);
    const key = await readHostKey(agentFiles(agentDir).hostKey);
    channel = await ServerChannel.connect({
      server: config.server,
      host: config.host,
      origin: config.origin,
      key,
    });
  } catch (error) {
    const message = error instanceof AgentError ? error.message : String(error);
    say(`no session: ${message}`);
    await trace(agentDir, { login, kind, refused: message });
    return 1;
  }
  const interactive = env.SSH_TTY !== undefined && process.stdin.isTTY === true;
  const size = interactive ? terminalSize() : null;
  return new Session(channel, { login, command, kind, certificate, size, agentDir, say }).run();
}

/** The certificate line sshd exposed: SSH_USER_AUTH names a file of "publickey <key>" lines. */
async function certificateOf(env: RecorderEnvironment): Promise<string> {
  if (!env.SSH_USER_AUTH) {
    throw new AgentError(
      'AGENT_BAD_INPUT',
      'sshd exposed no authentication (ExposeAuthInfo yes is needed)',
    );
  }
  const text = await readFile(env.SSH_USER_AUTH, 'utf8').catch((error: unknown) => {
    throw new AgentError('AGENT_BAD_INPUT', `cannot read ${env.SSH_USER_AUTH}`, { cause: error });
  });
  const certificates = text
    .split('\n')
    .map((line) => /^publickey (\S+-cert-v01@openssh\.com \S+)/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  const [certificate] = certificates;
  if (certificate === undefined) {
    throw new AgentError(
      'AGENT_BAD_INPUT',
      'this login was not made with a certificate of the cooperative',
    );
  }
  return certificate;
}

function terminalSize(): PtySize {
  return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}

/** A local trace of a session refused before the server could be asked (best effort). */
async function trace(agentDir: string, record: Record<string, string>): Promise<void> {
  const line = JSON.stringify({ at: new Date().toISOString(), ...record });
  await appendFile(join(agentDir, 'refused.log'), `${line}\n`, { mode: 0o600 }).catch(
    () => undefined,
  );
}

type SessionOptions = {
  login: string;
  command: string | null;
  kind: SessionKind;
  certificate: string;
  size: PtySize | null;
  agentDir: string;
  say: (text: string) => void;
};

/** What runs the shell or command: a terminal, or plain pipes. */
type Child = {
  write(data: Buffer): void;
  /** Input written that the shell has not taken yet. */
  inputWaiting(): number;
  endInput(): void;
  pause(): void;
  resume(): void;
  resize(size: PtySize): void;
  kill(signal: NodeJS.Signals): void;
};

class Session {
  readonly #channel: ServerChannel;
  readonly #options: SessionOptions;
  #child: Child | undefined;
  #seq = 0;
  /** Input sent to the server, not yet acknowledged: it has not reached the shell. */
  readonly #pending = new Map<number, Buffer>();
  #pendingBytes = 0;
  #inputEnded = false;
  #outputHeld = { socket: false, stdout: false };
  #finish!: (code: number) => void;
  #done = false;
  #exitCode: number | null = null;
  /** Output handed to the channel that the socket has not taken yet. */
  #inFlight = 0;
  /** Set once the recorder ends the shell: the code it exits with. */
  #stopping: number | undefined;
  /** Output not yet sent to the server (see #queueOutput). */
  #outputBatch: { type: number; parts: Buffer[]; bytes: number; timer: NodeJS.Timeout } | undefined;
  /** The client's terminal, written asynchronously (see asyncTerminal). */
  #terminal: NodeJS.WriteStream | undefined;

  constructor(channel: ServerChannel, options: SessionOptions) {
    this.#channel = channel;
    this.#options = options;
  }

  run(): Promise<number> {
    const result = new Promise<number>((resolve) => (this.#finish = resolve));
    const { login, command, kind, certificate, size } = this.#options;
    this.#channel.onMessage((message) => this.#message(message));
    this.#channel.onClose((why) => this.#lost(why));
    this.#channel.send({ t: 'open', certificate, login, kind, command, pty: size });
    for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
      process.on(signal, () => this.#hangUp(signal));
    }
    return result;
  }

  #message(message: ServerSays): void {
    switch (message.t) {
      case 'waiting':
        if (this.#options.size) this.#say(message.message);
        return;
      case 'opened':
        if (!this.#child) this.#start();
        return;
      case 'refused':
        this.#say(`no session: ${message.message} (${message.code})`);
        return this.#end(1);
      case 'ack': {
        const data = this.#settle(message.seq);
        if (data) this.#child?.write(data);
        if (this.#inputEnded && this.#pending.size === 0) this.#child?.endInput();
        return this.#pace();
      }
      case 'discarded':
        this.#settle(message.seq);
        if (this.#inputEnded && this.#pending.size === 0) this.#child?.endInput();
        return this.#pace();
      case 'paused':
        if (this.#options.size) this.#say(message.message);
        return;
      case 'resumed':
        if (this.#options.size) this.#say(message.message);
        return;
      case 'end':
        this.#say(message.message);
        return this.#stop(message.reason === 'ended-by-observer' ? 130 : 255);
      case 'closed':
        return this.#end(this.#exitCode ?? 0);
      case 'error':
        this.#say(`${message.message} (${message.code})`);
        return this.#stop(255);
      case 'challenge':
      case 'ready':
      case 'attested':
        return;
    }
  }

  #lost(why: string): void {
    if (this.#done) return;
    if (this.#child) this.#say(`the session ends: ${why}`);
    else this.#say(`no session: ${why}`);
    this.#stop(255);
  }

  #start(): void {
    const { command, kind, size } = this.#options;
    const user = userInfo();
    const shell = user.shell ?? '/bin/sh';
    const program = kind === 'sftp' ? sftpServer(command ?? '') : undefined;
    // A client that is gone (a write to its terminal or pipe fails) hangs the shell up, as a
    // closed terminal would, and the session ends in order rather than with the recorder.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', () => this.#hangUp('SIGHUP'));
    }
    if (size) {
      const terminal = pty.spawn(shell, command === null ? ['-l'] : ['-c', command], {
        name: process.env.TERM ?? 'xterm',
        cols: size.cols,
        rows: size.rows,
        cwd: user.homedir,
        env: childEnvironment(),
        encoding: null,
      });
      const input = new TerminalInput(terminal, () => this.#pace());
      this.#child = {
        write: (data) => input.write(data),
        inputWaiting: () => input.waiting,
        endInput: () => {},
        pause: () => terminal.pause(),
        resume: () => terminal.resume(),
        resize: (s) => terminal.resize(s.cols, s.rows),
        kill: (signal) => {
          try {
            process.kill(-terminal.pid, signal);
          } catch {
            terminal.kill(signal);
          }
        },
      };
      terminal.onData((data) => this.#output(data as unknown as Buffer, FRAME.output));
      terminal.onExit(({ exitCode, signal }) => {
        input.close();
        this.#exited(exitCode, signal ? String(signal) : null);
      });
      this.#terminal = asyncTerminal();
      process.stdin.setRawMode(true);
      // The client gets the bytes as the shell's terminal made them, as from script(1) or
      // tmux: the inner terminal already turned \n into \r\n, and libuv's raw mode leaves
      // output processing on, which made it \r\r\n and cost the kernel work on every byte.
      // setRawMode(false) restores the terminal as it was; without stty, output stays processed.
      spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'], timeout: 2_000 });
      process.stdout.on('resize', () => {
        const next = terminalSize();
        this.#child?.resize(next);
        this.#channel.send({ t: 'resize', ...next });
      });
    } else {
      const child: ChildProcess = program
        ? spawnProcess(program, [], { cwd: user.homedir, env: childEnvironment(), stdio: 'pipe' })
        : spawnProcess(shell, command === null ? ['-l'] : ['-c', command], {
            cwd: user.homedir,
            env: childEnvironment(),
            stdio: 'pipe',
            detached: true,
          });
      this.#child = {
        write: (data) => child.stdin?.write(data),
        inputWaiting: () => child.stdin?.writableLength ?? 0,
        endInput: () => child.stdin?.end(),
        pause: () => {
          child.stdout?.pause();
          child.stderr?.pause();
        },
        resume: () => {
          child.stdout?.resume();
          child.stderr?.resume();
        },
        resize: () => {},
        kill: (signal) => {
          try {
            if (child.pid !== undefined) process.kill(program ? child.pid : -child.pid, signal);
          } catch {
            child.kill(signal);
          }
        },
      };
      child.stdin?.on('error', () => undefined);
      child.stdin?.on('drain', () => this.#pace());
      child.stdout?.on('data', (data: Buffer) => this.#output(data, FRAME.output));
      child.stderr?.on('data', (data: Buffer) => this.#output(data, FRAME.error));
      child.on('close', (code, signal) => this.#exited(code, signal));
      child.on('error', (error) => {
        this.#say(`cannot start ${program ?? shell}: ${error.message}`);
        this.#exited(127, null);
      });
    }
    process.stdin.on('data', (data: Buffer) => this.#input(data));
    process.stdin.on('end', () => {
      this.#inputEnded = true;
      if (this.#pending.size === 0) this.#child?.endInput();
    });
  }

  /** Write-ahead: input goes to the server; the shell gets it on the acknowledgement. */
  #input(data: Buffer): void {
    if (this.#done) return;
    // The server records what came in the order it came.
    this.#sendOutput();
    for (let offset = 0; offset < data.length; offset += MAX_FRAME_DATA) {
      const part = data.subarray(offset, offset + MAX_FRAME_DATA);
      const seq = this.#seq++;
      this.#pending.set(seq, Buffer.from(part));
      this.#pendingBytes += part.length;
      this.#channel.sendFrame(FRAME.input, seq, part);
    }
    this.#pace();
  }

  /** Input `seq` is acknowledged or discarded: no longer pending. */
  #settle(seq: number): Buffer | undefined {
    const data = this.#pending.get(seq);
    if (!data) return undefined;
    this.#pending.delete(seq);
    this.#pendingBytes -= data.length;
    return data;
  }

  /** The session stops: input not yet acknowledged never reaches the shell. */
  #dropPending(): void {
    this.#pending.clear();
    this.#pendingBytes = 0;
  }

  /**
   * Reads the client only while what it sent is taken up: a client pasting or piping faster
   * than the server stores or the shell reads waits, rather than the recorder holding it all.
   */
  #pace(): void {
    const waiting = this.#pendingBytes + (this.#child?.inputWaiting() ?? 0);
    if (waiting > INPUT_HIGH) process.stdin.pause();
    else if (waiting <= INPUT_HIGH / 2 && !this.#done) process.stdin.resume();
  }

  #output(data: Buffer, type: number): void {
    const stream =
      this.#terminal ??
      (type === FRAME.error && !this.#options.size ? process.stderr : process.stdout);
    for (let offset = 0; offset < data.length; offset += MAX_FRAME_DATA) {
      this.#queueOutput(type, data.subarray(offset, offset + MAX_FRAME_DATA));
    }
    stream.write(data);
    // A little more than the stream's own mark: holding and resuming the shell costs wakeups.
    if (stream.writableLength > STDOUT_HIGH && !this.#outputHeld.stdout) {
      this.#hold('stdout');
      stream.once('drain', () => this.#relieve('stdout'));
    }
    if (this.#inFlight > SEND_HIGH) this.#hold('socket');
  }

  /**
   * Output goes to the server in frames of up to 64 KiB, gathered for a few milliseconds,
   * rather than a frame a read (a terminal gives at most 4 KiB a read): fewer frames, records
   * and wakeups on both ends. The client's terminal gets it at once; input goes at once too,
   * after the output before it.
   */
  #queueOutput(type: number, part: Buffer): void {
    let batch = this.#outputBatch;
    if (batch && (batch.type !== type || batch.bytes + part.length > MAX_FRAME_DATA)) {
      this.#sendOutput();
      batch = undefined;
    }
    if (!batch) {
      const timer = setTimeout(() => this.#sendOutput(), OUTPUT_BATCH_MS);
      batch = this.#outputBatch = { type, parts: [], bytes: 0, timer };
    }
    batch.parts.push(part);
    batch.bytes += part.length;
    this.#inFlight += part.length;
  }

  #sendOutput(): void {
    const batch = this.#outputBatch;
    if (!batch) return;
    this.#outputBatch = undefined;
    // Sent before its time (input came, or the batch filled): no wakeup for nothing.
    clearTimeout(batch.timer);
    this.#channel.sendFrame(batch.type, 0, batch.parts, () => {
      this.#inFlight -= batch.bytes;
      if (this.#inFlight <= SEND_HIGH / 2) this.#relieve('socket');
    });
  }

  #hold(what: 'socket' | 'stdout'): void {
    if (!this.#outputHeld.socket && !this.#outputHeld.stdout) this.#child?.pause();
    this.#outputHeld[what] = true;
  }

  #relieve(what: 'socket' | 'stdout'): void {
    if (!this.#outputHeld[what]) return;
    this.#outputHeld[what] = false;
    if (!this.#outputHeld.socket && !this.#outputHeld.stdout) this.#child?.resume();
  }

  #exited(code: number | null, signal: string | null): void {
    if (this.#stopping !== undefined) return this.#end(this.#stopping);
    if (this.#done || this.#exitCode !== null) return;
    this.#exitCode = code ?? 255;
    // Output the child wrote just before it exited is sent before the exit.
    setImmediate(() => {
      this.#sendOutput();
      this.#channel.send({ t: 'exit', code, signal });
      setTimeout(() => this.#end(this.#exitCode ?? 255), CLOSE_MS).unref();
    });
  }

  #hangUp(signal: NodeJS.Signals): void {
    if (!this.#child) return this.#end(255);
    this.#child.kill(signal);
  }

  /** Ends the shell (SIGHUP, then SIGKILL) and the recorder: fail closed. */
  #stop(code: number): void {
    if (this.#done || this.#stopping !== undefined) return;
    this.#dropPending();
    const child = this.#child;
    if (!child || this.#exitCode !== null) return this.#end(code);
    this.#stopping = code;
    child.kill('SIGHUP');
    setTimeout(() => {
      child.kill('SIGKILL');
      this.#end(code);
    }, KILL_MS);
  }

  #end(code: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#dropPending();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    this.#channel.close();
    // What the shell wrote last reaches the client before the recorder exits: the exit drops
    // what still waits for a slow client's terminal or pipe.
    void writtenToClient(CLOSE_MS).then(() => this.#finish(code));
  }

  /** A message to the client: in its terminal after the output before it. */
  #say(text: string): void {
    if (this.#terminal?.writable) this.#terminal.write(`allmende: ${text}\r\n`);
    else this.#options.say(text);
  }
}

/**
 * The client's terminal (fd 1), switched to non-blocking writes. Node writes to a TTY
 * synchronously: a client that reads slowly, or a busy sshd, would stop the whole recorder
 * with it, its channel to the server and its pings included. libuv gave fd 1 an open file
 * description of its own (it reopens a tty), so stdin and stderr keep theirs. `_handle` is
 * Node's; without it, the terminal stays synchronous (undefined).
 */
function asyncTerminal(): NodeJS.WriteStream | undefined {
  const stdout = process.stdout;
  if (!stdout.isTTY) return undefined;
  const handle = (stdout as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })
    ._handle;
  if (typeof handle?.setBlocking !== 'function' || handle.setBlocking(false) !== 0) {
    return undefined;
  }
  return stdout;
}

/**
 * Resolves once what waits for the client's stdout and stderr is written, or when nothing of it
 * was written for `stallMs`: the client stopped reading or is gone. A client that reads on,
 * however slowly, gets all of it.
 */
function writtenToClient(stallMs: number): Promise<void> {
  const waiting = () =>
    [process.stdout, process.stderr].reduce((n, s) => n + (s.destroyed ? 0 : s.writableLength), 0);
  return new Promise((resolve) => {
    let before = waiting();
    let progressAt = Date.now();
    const check = () => {
      const now = waiting();
      if (now < before) progressAt = Date.now();
      before = now;
      if (now > 0 && Date.now() - progressAt <= stallMs) return;
      clearInterval(timer);
      resolve();
    };
    const timer = setInterval(check, 20);
    check();
  });
}

/** The sftp-server to run: the one sshd named, or for internal-sftp the one installed. */
function sftpServer(command: string): string {
  const program = command.trim().split(/\s+/)[0] ?? '';
  if (program.startsWith('/')) return program;
  return SFTP_SERVERS.find((path) => existsSync(path)) ?? SFTP_SERVERS[0]!;
}

/** The shell's environment: sshd's, without what only the recorder needs. */
function childEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'SSH_USER_AUTH') env[name] = value;
  }
  return env;
}
