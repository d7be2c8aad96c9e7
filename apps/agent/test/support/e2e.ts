import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DEFAULT_POLICY, type TranscriptRecord } from '@allmende/protocol';
import pty from '@lydell/node-pty';
import type { KeyPair, Sshd } from '../../../../test/support/openssh.ts';

/** What the test CA's requests allow: the public policy, so no observer unless a test asks. */
export const OPEN_POLICY = { ...DEFAULT_POLICY.access.public, observer: false };

export type SshResult = { code: number | null; stdout: string; stderr: string };

const sshOptions = (sshd: Sshd, key: KeyPair, certificate?: string) => [
  '-p',
  String(sshd.port),
  '-i',
  key.path,
  '-o',
  `CertificateFile=${certificate ?? 'none'}`,
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'LogLevel=ERROR',
];

/**
 * `ssh root@127.0.0.1 COMMAND` without a terminal, as a script would run it, or with one
 * (`terminal`: `ssh -tt`, the input then typed or pasted into it). `readSlowly`
 * waits 10 ms after each read, as a client on a slow link or behind a slow pipe does;
 * `goneAfter` kills the client once that many bytes of output came, as a dropped link does. A
 * stream as `input` is sent as fast as ssh takes it.
 */
export function ssh(
  sshd: Sshd,
  key: KeyPair,
  certificate: string | undefined,
  command: string[],
  options: {
    input?: string | Readable;
    readSlowly?: boolean;
    goneAfter?: number;
    terminal?: boolean;
  } = {},
): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn(
      'ssh',
      [
        ...(options.terminal ? ['-tt'] : []),
        ...sshOptions(sshd, key, certificate),
        'root@127.0.0.1',
        ...command,
      ],
      {
        timeout: 60_000,
      },
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let received = 0;
    child.stdout.on('data', (data: Buffer) => {
      stdout.push(data);
      received += data.length;
      if (options.goneAfter !== undefined && received >= options.goneAfter) child.kill('SIGKILL');
    });
    child.stderr.on('data', (data: Buffer) => stderr.push(data));
    if (options.readSlowly) {
      child.stdout.on('data', () => {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 10);
      });
    }
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    // The command may end before it read all of its input, and ssh with it.
    child.stdin.on('error', () => undefined);
    if (options.input instanceof Readable) options.input.pipe(child.stdin);
    else child.stdin.end(options.input ?? '');
  });
}

/** An interactive `ssh -tt` in a terminal of its own, driven as a person would type. */
export class Terminal {
  readonly #pty: pty.IPty;
  #screen = '';
  #waiters: (() => void)[] = [];
  readonly exited: Promise<number>;

  constructor(sshd: Sshd, key: KeyPair, certificate: string) {
    this.#pty = pty.spawn('ssh', ['-tt', ...sshOptions(sshd, key, certificate), 'root@127.0.0.1'], {
      name: 'xterm',
      cols: 100,
      rows: 30,
      env: { ...process.env, TERM: 'xterm' },
    });
    this.#pty.onData((data) => {
      this.#screen += data;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.#pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  get screen(): string {
    return this.#screen;
  }

  type(text: string): void {
    this.#pty.write(text);
  }

  resize(cols: number, rows: number): void {
    this.#pty.resize(cols, rows);
  }

  /** Waits until the terminal shows `text` (or fails with what it shows). */
  async waitFor(text: string | RegExp, what = String(text)): Promise<void> {
    const shows = () =>
      typeof text === 'string' ? this.#screen.includes(text) : text.test(this.#screen);
    let done = false;
    const exited = this.exited.then(() => {
      if (!shows() && !done) throw new Error(`ssh exited before showing ${what}: ${this.#screen}`);
    });
    while (!shows()) {
      await Promise.race([new Promise<void>((resolve) => this.#waiters.push(resolve)), exited]);
    }
    done = true;
  }

  kill(): void {
    this.#pty.kill();
  }
}

/** Serves the test CA's key and its KRL, as the server's /api/access/ca and /krl will. */
export async function startCaServer(caKey: string, krl: () => Uint8Array) {
  const server: Server = createServer((request, response) => {
    if (request.url === '/ca') response.end(`${caKey}\n`);
    else if (request.url === '/krl') response.end(Buffer.from(krl()));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function textOf(records: readonly TranscriptRecord[], kind: 'input' | 'output'): string {
  const decoder = new TextDecoder();
  return records
    .filter((r): r is Extract<TranscriptRecord, { data: Uint8Array }> => r.kind === kind)
    .map((r) => decoder.decode(r.data))
    .join('');
}
