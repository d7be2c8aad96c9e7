import { bytesEqual, describeBytes, describeText, encodeBase64, tryDecodeBase64 } from './bytes.ts';
import { digest, ED25519_PUBLIC_KEY_SIZE } from './crypto.ts';
import { SshError, type SshErrorCode } from './errors.ts';
import { WireReader, WireWriter } from './wire.ts';

// OpenSSH public keys: the wire blob of RFC 4253 §6.6 with the ssh-ed25519 encoding of
// RFC 8709 §4, and the one-line text form of ssh-keygen and authorized_keys (sshd(8),
// "AUTHORIZED_KEYS FILE FORMAT"): key type, base64 of the blob, optional comment.

/** The one key type the cooperative accepts, for members, CAs and signatures alike. */
export const SSH_ED25519 = 'ssh-ed25519';

/** An Ed25519 public key as OpenSSH writes it. */
export type SshPublicKey = {
  readonly type: typeof SSH_ED25519;
  /** The 32-byte Ed25519 public key (RFC 8032 §5.1.5). */
  readonly key: Uint8Array;
  /** The wire blob: string "ssh-ed25519", string key (RFC 8709 §4). */
  readonly blob: Uint8Array;
  /** The comment after the key on its line; empty if there is none. */
  readonly comment: string;
};

/** The longest public key line that is read; an ssh-ed25519 line is about 100 characters. */
export const MAX_PUBLIC_KEY_LINE = 16_384;

// Key types that OpenSSH knows and the cooperative refuses: its policy is ssh-ed25519 only.
const OTHER_KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'ssh-ed448',
]);
const CERTIFICATE_SUFFIX = '-cert-v01@openssh.com';

// RFC 4251 §6: algorithm names are printable US-ASCII without spaces or commas, at most 64.
const ALGORITHM_NAME = /^[\x21-\x2b\x2d-\x7e]{1,64}$/;

function isKnownKeyType(type: string): boolean {
  return (
    OTHER_KEY_TYPES.has(type) ||
    type.startsWith('ecdsa-') ||
    type.startsWith('sk-') ||
    type.endsWith(CERTIFICATE_SUFFIX)
  );
}

function unsupportedKeyType(type: string): SshError {
  const what = type.endsWith(CERTIFICATE_SUFFIX) ? 'a certificate' : 'a key';
  return new SshError(
    'SSH_UNSUPPORTED',
    `only ssh-ed25519 keys are accepted (the cooperative's policy), not ${what} of type ${describeText(type)}`,
  );
}

function asciiName(bytes: Uint8Array): string | undefined {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return ALGORITHM_NAME.test(text) ? text : undefined;
}

/** The key type at the start of a blob, or undefined if the blob does not start with one. */
function peekKeyType(blob: Uint8Array): string | undefined {
  try {
    return asciiName(new WireReader(blob, 'SSH_BAD_KEY', 'the public key').readString('type'));
  } catch {
    return undefined;
  }
}

/** The wire blob of an Ed25519 public key (RFC 8709 §4). */
export function encodeEd25519Blob(key: Uint8Array): Uint8Array {
  return new WireWriter().writeString(SSH_ED25519).writeString(key).finish();
}

/**
 * Decodes a public key blob, with the error code that suits where the blob came from (a key
 * line, a signature, a certificate).
 */
export function decodePublicKeyBlob(
  blob: Uint8Array,
  code: SshErrorCode,
  what: string,
): SshPublicKey {
  const reader = new WireReader(blob, code, what);
  const typeBytes = reader.readString('the key type');
  const type = asciiName(typeBytes);
  if (type === undefined) {
    throw reader.error(`the key type ${describeBytes(typeBytes)} is not an algorithm name`);
  }
  if (type !== SSH_ED25519) {
    throw unsupportedKeyType(type);
  }
  const key = reader.readString('the Ed25519 key');
  if (key.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw reader.error(`an Ed25519 key is 32 bytes, not ${key.length}`);
  }
  reader.expectEnd();
  return { type, key, blob: blob.slice(), comment: '' };
}

/**
 * Parses the wire blob of a public key (RFC 4253 §6.6), as it appears inside signatures,
 * certificates and SSH agent replies. The comment of the result is empty.
 *
 * @throws {SshError} SSH_UNSUPPORTED for a key type other than ssh-ed25519; SSH_BAD_KEY for a
 *   malformed blob, a key that is not 32 bytes, or bytes after the key.
 */
export function parsePublicKeyBlob(blob: Uint8Array): SshPublicKey {
  return decodePublicKeyBlob(blob, 'SSH_BAD_KEY', 'the public key');
}

function badLine(message: string): SshError {
  return new SshError('SSH_BAD_KEY', `not an OpenSSH public key line: ${message}`);
}

/**
 * Parses an OpenSSH public key line, `ssh-ed25519 AAAA… comment`, as `ssh-keygen` writes it
 * and as it stands in authorized_keys files without options. Spaces and tabs around the line
 * and one line ending after it are ignored.
 *
 * @throws {SshError} SSH_UNSUPPORTED for a key type other than ssh-ed25519 (ssh-rsa, ecdsa-*,
 *   sk-*, certificates); SSH_BAD_KEY for anything else that is not one ssh-ed25519 key line: a
 *   missing type or key, options before the type, base64 that is not canonical, a blob whose type
 *   differs from the line's, a key that is not 32 bytes, bytes after the key, more than one line,
 *   or control characters in the comment.
 */
export function parsePublicKey(line: string): SshPublicKey {
  if (typeof line !== 'string') {
    throw badLine('a public key line is a string');
  }
  if (line.length > MAX_PUBLIC_KEY_LINE) {
    throw badLine(`longer than ${MAX_PUBLIC_KEY_LINE} characters`);
  }
  const body = line.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(body)) {
    throw badLine('more than one line');
  }
  const match = /^[ \t]*([^ \t]+)(?:[ \t]+([^ \t]+))?(?:[ \t]+(.*?))?[ \t]*$/s.exec(body);
  if (match === null) {
    throw badLine('the line is empty');
  }
  const type = match[1]!;
  const data = match[2];
  const comment = match[3] ?? '';
  const blob = data === undefined ? undefined : tryDecodeBase64(data);
  if (type !== SSH_ED25519) {
    if (isKnownKeyType(type)) {
      throw unsupportedKeyType(type);
    }
    if (blob !== undefined && ALGORITHM_NAME.test(type) && peekKeyType(blob) === type) {
      throw unsupportedKeyType(type);
    }
    throw badLine(
      `it starts with ${describeText(type)}, not a key type (authorized_keys options are not accepted)`,
    );
  }
  if (data === undefined) {
    throw badLine('the key is missing after the key type');
  }
  if (blob === undefined) {
    throw badLine('the key is not canonical base64');
  }
  const blobType = peekKeyType(blob);
  if (blobType !== SSH_ED25519) {
    throw badLine(
      `the line says ssh-ed25519 but the key inside is ${blobType === undefined ? 'malformed' : describeText(blobType)}`,
    );
  }
  if (hasControlCharacters(comment)) {
    throw badLine('the comment holds control characters');
  }
  return { ...decodePublicKeyBlob(blob, 'SSH_BAD_KEY', 'the public key'), comment };
}

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(text);
}

/**
 * Checks that a value is a well-formed {@link SshPublicKey}, whose blob matches its key.
 *
 * @throws {SshError} SSH_BAD_KEY if it is not.
 */
export function requirePublicKey(value: unknown): asserts value is SshPublicKey {
  const key = value as Partial<Record<keyof SshPublicKey, unknown>> | null | undefined;
  if (
    typeof key !== 'object' ||
    key === null ||
    key.type !== SSH_ED25519 ||
    !(key.key instanceof Uint8Array) ||
    key.key.length !== ED25519_PUBLIC_KEY_SIZE ||
    !(key.blob instanceof Uint8Array) ||
    typeof key.comment !== 'string'
  ) {
    throw new SshError(
      'SSH_BAD_KEY',
      'a public key is { type: "ssh-ed25519", key: 32 bytes, blob, comment }',
    );
  }
  if (!bytesEqual(key.blob, encodeEd25519Blob(key.key))) {
    throw new SshError('SSH_BAD_KEY', 'the blob of the public key does not match its key');
  }
}

/**
 * Formats a public key as an OpenSSH public key line, `ssh-ed25519 AAAA… comment`, without a
 * line ending; the comment is left out if it is empty.
 *
 * @throws {SshError} SSH_BAD_KEY if `key` is not a well-formed SshPublicKey, or its comment
 *   holds control characters (a line break would start another key).
 */
export function formatPublicKey(key: SshPublicKey): string {
  requirePublicKey(key);
  if (hasControlCharacters(key.comment)) {
    throw new SshError('SSH_BAD_KEY', 'the comment of the public key holds control characters');
  }
  const line = `${SSH_ED25519} ${encodeBase64(encodeEd25519Blob(key.key))}`;
  return key.comment === '' ? line : `${line} ${key.comment}`;
}

/**
 * The SHA-256 fingerprint of a public key, `SHA256:` and the unpadded base64 of the SHA-256 of
 * its blob, exactly as `ssh-keygen -l` prints it.
 *
 * @throws {SshError} SSH_BAD_KEY if `key` is not a well-formed SshPublicKey.
 */
export async function fingerprint(key: SshPublicKey): Promise<string> {
  requirePublicKey(key);
  const hash = await digest('sha256', encodeEd25519Blob(key.key));
  return `SHA256:${encodeBase64(hash).replace(/=+$/, '')}`;
}

/** Whether two public keys are the same key (their comments aside). */
export function samePublicKey(a: SshPublicKey, b: SshPublicKey): boolean {
  return a.type === b.type && bytesEqual(a.key, b.key);
}
