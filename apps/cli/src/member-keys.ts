import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MemberKey } from '@allmende/protocol';
import { fingerprint, formatPublicKey, parsePublicKey, type SshPublicKey } from '@allmende/ssh';
import { badInput } from './cli.ts';
import { readInput } from './input.ts';

// Members' keys as the CLI reads them from files and the command line, in the canonical form the
// log records: "ssh-ed25519 <base64>" without the comment, so that one key has one spelling.

const MAX_PUBLIC_KEY_FILE = 64 * 1024;

export type SshKeyFile = { publicKey: SshPublicKey; line: string; path: string | undefined };

/**
 * An ssh-ed25519 public key from a key line, a `.pub` file, or a private key file with its `.pub`
 * beside it. Relative paths are resolved against `baseDir`.
 * @throws {CliError} CLI_BAD_INPUT naming the file and what is wrong with it.
 */
export async function readSshPublicKey(pathOrLine: string, baseDir = '.'): Promise<SshKeyFile> {
  if (/^ssh-/.test(pathOrLine) || /^(ecdsa|sk)-/.test(pathOrLine)) {
    return { ...canonical(pathOrLine, 'the key'), path: undefined };
  }
  let path = resolve(baseDir, pathOrLine);
  if (!path.endsWith('.pub') && (await isFile(`${path}.pub`))) path = `${path}.pub`;
  const text = await readInput(path, MAX_PUBLIC_KEY_FILE);
  if (/^-----BEGIN/.test(text.trimStart())) {
    throw badInput(`${path} is a private key: name its .pub file instead`);
  }
  return { ...canonical(text.trim(), path), path };
}

function canonical(line: string, what: string): Omit<SshKeyFile, 'path'> {
  let publicKey: SshPublicKey;
  try {
    publicKey = parsePublicKey(line);
  } catch (error) {
    throw badInput(`${what} is not an ssh-ed25519 public key: ${(error as Error).message}`, error);
  }
  return { publicKey, line: formatPublicKey({ ...publicKey, comment: '' }) };
}

/**
 * A member key from what a member types: an age recipient (`age1…`), or an SSH key line or
 * file as {@link readSshPublicKey} reads it.
 */
export async function readMemberKey(text: string, baseDir = '.'): Promise<MemberKey> {
  if (text.startsWith('age1')) {
    const key = MemberKey.safeParse({ kind: 'age', recipient: text });
    if (!key.success) throw badInput(`${text}: ${key.error.issues[0]?.message ?? 'invalid'}`);
    return key.data;
  }
  const { line } = await readSshPublicKey(text, baseDir);
  return { kind: 'ssh', publicKey: line };
}

/** How statements name a key: "SHA256:…" for SSH, "passkey:<id>", or the age recipient. */
export async function keyId(key: MemberKey): Promise<string> {
  switch (key.kind) {
    case 'ssh':
      return fingerprint(parsePublicKey(key.publicKey));
    case 'passkey':
      return `passkey:${key.credentialId}`;
    case 'age':
      return key.recipient;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
