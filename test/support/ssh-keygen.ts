import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

// OpenSSH's ssh-keygen as the tests use it: real key files in a temporary folder, real SSHSIG
// signatures (`-Y sign`), and the tool's own reading of certificates (`-L`) and KRLs (`-Q`).

const run = promisify(execFile);

/** A key pair made by the real ssh-keygen, without a passphrase. */
export type TestKey = {
  /** The private key file; `${path}.pub` is beside it. */
  path: string;
  /** The .pub line as ssh-keygen wrote it, with its comment. */
  line: string;
  /** "ssh-ed25519 <base64>", as the log records it. */
  canonical: string;
  /** "SHA256:…", as `ssh-keygen -l` prints it. */
  fingerprint: string;
};

export async function generateKey(dir: string, name: string): Promise<TestKey> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', path]);
  const line = (await readFile(`${path}.pub`, 'utf8')).trim();
  const { stdout } = await run('ssh-keygen', ['-l', '-f', `${path}.pub`]);
  return {
    path,
    line,
    canonical: line.split(' ').slice(0, 2).join(' '),
    fingerprint: stdout.split(' ')[1]!,
  };
}

let messages = 0;

/** `ssh-keygen -Y sign -n <namespace>` of exactly these bytes, armoured. */
export async function sshKeygenSign(
  key: Pick<TestKey, 'path'>,
  namespace: string,
  message: Uint8Array | string,
): Promise<string> {
  const file = `${key.path}.message-${++messages}`;
  await writeFile(file, message);
  await run('ssh-keygen', ['-Y', 'sign', '-q', '-f', key.path, '-n', namespace, file]);
  return readFile(`${file}.sig`, 'utf8');
}

/** What `ssh-keygen -L -f` says of a certificate file, in UTC. */
export async function describeCertificate(path: string): Promise<string> {
  return (await run('ssh-keygen', ['-L', '-f', path], { env: { ...process.env, TZ: 'UTC' } }))
    .stdout;
}

/** Whether `ssh-keygen -Q -f krl` reports the certificate (or key) in `path` as revoked. */
export async function revokedByKrl(krl: string, path: string): Promise<boolean> {
  try {
    await run('ssh-keygen', ['-Q', '-f', krl, path]);
    return false;
  } catch (error) {
    const { code, stdout } = error as { code?: number; stdout?: string };
    if (code === 1 && stdout?.includes('REVOKED')) return true;
    throw error;
  }
}
