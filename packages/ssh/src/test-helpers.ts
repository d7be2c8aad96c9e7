import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshError } from './errors.ts';
import { WireReader } from './wire.ts';
import { flipBit, hex, toHex, utf8 } from '../../../test/support/bytes.ts';
import { errorCodesOf } from '../../../test/support/error-codes.ts';

// Helpers for this package's tests: error codes, and OpenSSH's ssh-keygen as the reference.

export const { thrownCode, rejectedCode } = errorCodesOf(SshError);
export { flipBit, hex, toHex, utf8 };

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export type RunResult = { exitCode: number; stdout: string; stderr: string };

/**
 * Runs OpenSSH's ssh-keygen with `input` on its standard input; `env` adds to the environment
 * (`TZ: 'UTC'` for the times of `ssh-keygen -L`).
 */
export function sshKeygen(
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', args, {
      cwd: options.cwd,
      stdio: 'pipe',
      env: { ...process.env, ...options.env },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) =>
      resolve({
        exitCode: exitCode ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    // ssh-keygen may exit before reading its input (e.g. -l on a file): its exit code tells
    // the outcome, so a closed pipe is not an error here.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary folder for ssh-keygen's files, and a function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-ssh-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type GeneratedKey = {
  /** The path of the private key file. */
  path: string;
  /** The public key line, as ssh-keygen wrote it (without the line ending). */
  publicKeyLine: string;
  /** The OpenSSH private key file. */
  privateKey: string;
};

/** Generates a key pair with `ssh-keygen -t <type>`, without passphrase. */
export async function generateKey(
  dir: string,
  name: string,
  type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519',
  comment = `${name}@allmende.test`,
): Promise<GeneratedKey> {
  const path = join(dir, name);
  const extra = type === 'rsa' ? ['-b', '2048'] : [];
  const result = await sshKeygen(['-q', '-t', type, ...extra, '-N', '', '-C', comment, '-f', path]);
  if (result.exitCode !== 0) {
    throw new Error(`ssh-keygen -t ${type} failed: ${result.stderr}`);
  }
  return {
    path,
    publicKeyLine: (await readFile(`${path}.pub`, 'utf8')).trimEnd(),
    privateKey: await readFile(path, 'utf8'),
  };
}

/** `ssh-keygen -Y sign`: the armoured signature of `message` (SHA-512, ssh-keygen's default). */
export async function sshKeygenSign(
  key: GeneratedKey,
  namespace: string,
  message: Uint8Array,
): Promise<string> {
  const result = await sshKeygen(['-Y', 'sign', '-f', key.path, '-n', namespace], {
    input: message,
  });
  if (result.exitCode !== 0) {
    throw new Error(`ssh-keygen -Y sign failed: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * `ssh-keygen -Y verify` against an allowed_signers file that holds `publicKeyLine` alone:
 * whether ssh-keygen accepts the signature.
 */
export async function sshKeygenVerifies(
  dir: string,
  options: { publicKeyLine: string; namespace: string; armored: string; message: Uint8Array },
): Promise<boolean> {
  const allowedSigners = join(dir, 'allowed_signers');
  const signatureFile = join(dir, 'message.sig');
  await writeFile(allowedSigners, `signer@allmende.test ${options.publicKeyLine}\n`);
  await writeFile(signatureFile, options.armored);
  const result = await sshKeygen(
    [
      '-Y',
      'verify',
      '-f',
      allowedSigners,
      '-I',
      'signer@allmende.test',
      '-n',
      options.namespace,
      '-s',
      signatureFile,
    ],
    { input: options.message },
  );
  return result.exitCode === 0;
}

/** `ssh-keygen -l`: the fingerprint of a public key line. */
export async function sshKeygenFingerprint(dir: string, publicKeyLine: string): Promise<string> {
  const file = join(dir, 'fingerprint.pub');
  await writeFile(file, `${publicKeyLine}\n`);
  const result = await sshKeygen(['-l', '-f', file]);
  if (result.exitCode !== 0) {
    throw new Error(`ssh-keygen -l failed: ${result.stderr}`);
  }
  return result.stdout.split(' ')[1]!;
}

/**
 * The 32-byte Ed25519 seed inside an unencrypted OpenSSH private key file (openssh-portable
 * PROTOCOL.key), so that node:crypto can sign with a key that ssh-keygen made.
 */
export function ed25519SeedOf(privateKeyFile: string): Uint8Array {
  const base64Text = privateKeyFile
    .replace('-----BEGIN OPENSSH PRIVATE KEY-----', '')
    .replace('-----END OPENSSH PRIVATE KEY-----', '')
    .replace(/\s+/g, '');
  const reader = new WireReader(fromBase64(base64Text), 'SSH_BAD_KEY', 'the private key');
  const magic = new TextDecoder().decode(reader.readBytes(15, 'the magic'));
  if (magic !== 'openssh-key-v1\0') throw new Error('not an OpenSSH private key');
  if (new TextDecoder().decode(reader.readString('the cipher')) !== 'none') {
    throw new Error('the private key is encrypted');
  }
  reader.readString('the KDF');
  reader.readString('the KDF options');
  reader.readUint32('the number of keys');
  reader.readString('the public key');
  const secret = new WireReader(reader.readString('the secret'), 'SSH_BAD_KEY', 'the secret');
  secret.readUint32('check 1');
  secret.readUint32('check 2');
  secret.readString('the key type');
  secret.readString('the public key');
  return secret.readString('the private key').slice(0, 32);
}

// RFC 8410 §7: PrivateKeyInfo with id-Ed25519, everything before the 32-byte seed.
const PKCS8_ED25519_PREFIX = hex('302e020100300506032b657004220420');

/** An Ed25519 signature by node:crypto, independent of the code under test. */
export function signEd25519(seed: Uint8Array, data: Uint8Array): Uint8Array {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return new Uint8Array(sign(null, data, key));
}

/**
 * `valid`, changed in one to four places: bytes set, a uint32 overwritten with one of
 * `interestingLengths` (lengths that lie are what breaks parsers), cut, inserted or truncated.
 */
export function mutationsOf(
  valid: Uint8Array,
  interestingLengths: readonly number[],
): fc.Arbitrary<Uint8Array> {
  const interestingUint32 = fc.constantFrom(...interestingLengths);
  return fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat(255) }),
        fc.record({ kind: fc.constant('uint32' as const), at: fc.nat(), value: interestingUint32 }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.nat(40) }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array() }),
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((mutations) => {
      let blob = valid.slice();
      for (const mutation of mutations) {
        const at = blob.length === 0 ? 0 : mutation.at % blob.length;
        switch (mutation.kind) {
          case 'set':
            if (blob.length > 0) blob[at] = mutation.byte;
            break;
          case 'uint32':
            if (blob.length >= 4) {
              new DataView(blob.buffer).setUint32(Math.min(at, blob.length - 4), mutation.value);
            }
            break;
          case 'cut':
            blob = Uint8Array.of(...blob.subarray(0, at), ...blob.subarray(at + mutation.length));
            break;
          case 'insert':
            blob = Uint8Array.of(...blob.subarray(0, at), ...mutation.bytes, ...blob.subarray(at));
            break;
          case 'truncate':
            blob = blob.slice(0, at);
            break;
        }
      }
      return blob;
    });
}
