import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
  await promisify(execFile)('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `${name}@test`,
    '-f',
    path,
  ]);
  const line = (await readFile(`${path}.pub`, 'utf8')).trim();
  const { stdout } = await promisify(execFile)('ssh-keygen', ['-l', '-f', `${path}.pub`]);
  return {
    path,
    line,
    canonical: line.split(' ').slice(0, 2).join(' '),
    fingerprint: stdout.split(' ')[1]!,
  };
}
