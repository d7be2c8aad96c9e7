import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The real OpenSSH for tests: keys and certificates made by ssh-keygen (the test CA stands in
 * for the cooperative's CA until it lands), KRLs, and an sshd on a loopback port with its
 * configuration in a temporary folder.
 */

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export type KeyPair = { path: string; publicKey: string };

export async function makeKey(dir: string, name: string): Promise<KeyPair> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return { path, publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
}

export type CertificateOptions = {
  keyId: string;
  principals: string[];
  serial: number;
  /** ssh-keygen -V, e.g. "-1m:+30m" or "20200101:20200102". */
  validity?: string;
  forceCommand?: string;
};

/** `ssh-keygen -s`: a user certificate of `key` by `ca`, written next to the key; returns its line. */
export async function signCertificate(ca: KeyPair, key: KeyPair, options: CertificateOptions) {
  const args = ['-q', '-s', ca.path, '-I', options.keyId, '-n', options.principals.join(',')];
  args.push('-z', String(options.serial), '-V', options.validity ?? '-1m:+30m');
  args.push('-O', 'clear', '-O', 'permit-pty');
  if (options.forceCommand) args.push('-O', `force-command=${options.forceCommand}`);
  await run('ssh-keygen', [...args, `${key.path}.pub`]);
  return (await readFile(`${key.path}-cert.pub`, 'utf8')).trim();
}

/** An OpenSSH KRL of `ca`'s certificates with these serials (`ssh-keygen -k`). */
export async function makeKrl(dir: string, ca: KeyPair, serials: number[]): Promise<Uint8Array> {
  const spec = join(dir, `krl-spec-${serials.join('-') || 'none'}`);
  const krl = `${spec}.krl`;
  await writeFile(spec, serials.map((s) => `serial: ${s}\n`).join(''));
  await run('ssh-keygen', ['-q', '-k', '-f', krl, '-s', `${ca.path}.pub`, spec]);
  return new Uint8Array(await readFile(krl));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type Sshd = {
  port: number;
  dir: string;
  config: string;
  dropIns: string;
  pidFile: string;
  authorizedKeys: string;
  /** What sshd wrote to stderr (-e), for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
};

/** A real sshd on a loopback port; its main config includes `dropIns/*.conf` first, as Debian's does. */
export async function startSshd(dir: string): Promise<Sshd> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dropIns = join(dir, 'sshd_config.d');
  await mkdir(dropIns, { recursive: true });
  const hostKey = await makeKey(dir, 'ssh_host_ed25519_key');
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  const pidFile = join(dir, 'sshd.pid');
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, '');
  await writeFile(
    config,
    [
      `Include ${dropIns}/*.conf`,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.path}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      // The test's folders are under /tmp, which StrictModes would refuse.
      'StrictModes no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (data: Buffer) => (log += data.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForPort(port, () => log);
  return {
    port,
    dir,
    config,
    dropIns,
    pidFile,
    authorizedKeys,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForPort(port: number, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

/**
 * A TCP relay in front of the server, so that a test can make the server unreachable (refuse
 * new connections) or cut it off mid-session (drop every connection) while it keeps running.
 */
export type Relay = { url: string; cut(): void; restore(): void; close(): Promise<void> };

export async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connectTcp(Number(port), hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const cut = () => {
    open = false;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut,
    restore() {
      open = true;
    },
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
