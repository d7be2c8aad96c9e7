import {
  describeBytes,
  describeText,
  encodeBase64,
  encodeUtf8,
  tryDecodeBase64,
  tryDecodeUtf8,
} from './bytes.ts';
import { digest, ED25519_SIGNATURE_SIZE, verifyEd25519, type HashAlgorithm } from './crypto.ts';
import { SshError } from './errors.ts';
import {
  decodePublicKeyBlob,
  encodeEd25519Blob,
  fingerprint,
  requirePublicKey,
  samePublicKey,
  SSH_ED25519,
  type SshPublicKey,
} from './public-key.ts';
import { sha512 } from './sha512.ts';
import { WireReader, WireWriter } from './wire.ts';

// SSH signatures of arbitrary data, as `ssh-keygen -Y sign` makes them: OpenSSH's
// PROTOCOL.sshsig. Where that text is silent, this follows what ssh-keygen (sshsig.c) does,
// and is stricter where ssh-keygen is lenient (see parseSignature).

export type { HashAlgorithm } from './crypto.ts';

const MAGIC = encodeUtf8('SSHSIG');
const SIG_VERSION = 1;
const HASH_ALGORITHMS: readonly string[] = ['sha256', 'sha512'] satisfies HashAlgorithm[];

const ARMOR_HEADER = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_FOOTER = '-----END SSH SIGNATURE-----';
/** ssh-keygen wraps the base64 of the blob at 70 characters (sshbuf_dtob64). */
const ARMOR_LINE_LENGTH = 70;

/** The longest armoured signature that is read; an Ed25519 one is about 300 characters. */
export const MAX_ARMORED_SIGNATURE = 65_536;

/** A parsed SSHSIG signature (PROTOCOL.sshsig §2), not yet verified. */
export type SshSignature = {
  /** The key that made the signature, as the signature names it (the comment is empty). */
  readonly publicKey: SshPublicKey;
  readonly namespace: string;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signatureAlgorithm: typeof SSH_ED25519;
  /** The 64-byte Ed25519 signature (RFC 8709 §6) of {@link signedDataFor}. */
  readonly signature: Uint8Array;
  /** The whole blob inside the armour. */
  readonly blob: Uint8Array;
};

function requireNamespace(namespace: unknown): asserts namespace is string {
  // PROTOCOL.sshsig §2: "The namespace value MUST NOT be the empty string." A NUL would end
  // the namespace early for ssh-keygen, which reads it as a C string.
  if (
    typeof namespace !== 'string' ||
    namespace === '' ||
    namespace.includes('\0') ||
    !namespace.isWellFormed()
  ) {
    throw new SshError(
      'SSH_BAD_ARGUMENT',
      'a namespace is a non-empty string of well-formed Unicode without NUL characters',
    );
  }
}

function requireHashAlgorithm(hashAlgorithm: unknown): asserts hashAlgorithm is HashAlgorithm {
  if (typeof hashAlgorithm !== 'string' || !HASH_ALGORITHMS.includes(hashAlgorithm)) {
    throw new SshError('SSH_BAD_ARGUMENT', 'the hash algorithm is "sha512" or "sha256"');
  }
}

function requireBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SshError('SSH_BAD_ARGUMENT', `${what} must be a Uint8Array`);
  }
}

/**
 * The bytes that an SSHSIG signature signs (PROTOCOL.sshsig §3): "SSHSIG" ‖ string namespace ‖
 * string reserved (empty) ‖ string hash_algorithm ‖ string H(message). Exported so that a
 * signature can be made elsewhere, by an SSH agent for instance, and put together with
 * {@link formatSignature}.
 *
 * @throws {SshError} SSH_BAD_ARGUMENT if the message is not a Uint8Array, the namespace is
 *   empty or not well-formed, or the hash algorithm is neither "sha512" nor "sha256".
 */
export async function signedDataFor(
  message: Uint8Array,
  namespace: string,
  hashAlgorithm: HashAlgorithm = 'sha512',
): Promise<Uint8Array> {
  requireBytes(message, 'the message');
  requireNamespace(namespace);
  requireHashAlgorithm(hashAlgorithm);
  return new WireWriter()
    .writeBytes(MAGIC)
    .writeString(namespace)
    .writeString(new Uint8Array(0))
    .writeString(hashAlgorithm)
    .writeString(hashAlgorithm === 'sha512' ? sha512(message) : await digest('sha256', message))
    .finish();
}

/** Wraps a signature blob in the armour of PROTOCOL.sshsig §1, exactly as ssh-keygen does. */
export function armorSignatureBlob(blob: Uint8Array): string {
  const base64 = encodeBase64(blob);
  const lines = [ARMOR_HEADER];
  for (let i = 0; i < base64.length; i += ARMOR_LINE_LENGTH) {
    lines.push(base64.slice(i, i + ARMOR_LINE_LENGTH));
  }
  lines.push(ARMOR_FOOTER, '');
  return lines.join('\n');
}

function badArmor(message: string): SshError {
  return new SshError('SSH_BAD_ARMOR', `not an armoured SSH signature: ${message}`);
}

/**
 * The blob inside the armour (PROTOCOL.sshsig §1). Stricter than ssh-keygen, which skips
 * whitespace inside the base64 and ignores anything after the footer: here the text is the
 * header line, base64 lines, the footer line and at most empty lines after it, nothing else.
 * CRLF line endings are tolerated (ssh-keygen refuses them).
 */
export function dearmorSignature(armored: string): Uint8Array {
  if (typeof armored !== 'string') {
    throw badArmor('a signature is a string');
  }
  if (armored.length > MAX_ARMORED_SIGNATURE) {
    throw badArmor(`longer than ${MAX_ARMORED_SIGNATURE} characters`);
  }
  const lines = armored.split(/\r?\n/);
  if (lines[0] !== ARMOR_HEADER) {
    throw badArmor(`the first line must be ${ARMOR_HEADER}`);
  }
  const footer = lines.indexOf(ARMOR_FOOTER);
  if (footer < 0) {
    throw badArmor(`the footer ${ARMOR_FOOTER} is missing`);
  }
  if (lines.slice(footer + 1).some((line) => line !== '')) {
    throw badArmor('there is text after the footer');
  }
  const body = lines.slice(1, footer);
  if (body.length === 0) {
    throw badArmor('there is nothing between header and footer');
  }
  if (body.some((line) => !/^[A-Za-z0-9+/=]+$/.test(line))) {
    throw badArmor('a line between header and footer is empty or holds other than base64');
  }
  const blob = tryDecodeBase64(body.join(''));
  if (blob === undefined) {
    throw badArmor('the text between header and footer is not canonical base64');
  }
  return blob;
}

/**
 * Parses the blob of an SSHSIG signature (PROTOCOL.sshsig §2): magic, version 1, public key,
 * namespace, reserved, hash algorithm, signature, nothing after it. The reserved field is
 * ignored, as the specification says and ssh-keygen does; the signature never covers it.
 */
export function parseSignatureBlob(blob: Uint8Array): SshSignature {
  const reader = new WireReader(blob, 'SSH_BAD_SIGNATURE', 'the SSH signature');
  if (reader.remaining < MAGIC.length) {
    throw reader.error('too short for an SSHSIG blob');
  }
  const magic = reader.readBytes(MAGIC.length, 'the magic');
  if (!magic.every((byte, i) => byte === MAGIC[i])) {
    throw reader.error(`it starts with ${describeBytes(magic)}, not "SSHSIG"`);
  }
  const version = reader.readUint32('the version');
  if (version !== SIG_VERSION) {
    throw reader.error(`version ${version} is not supported, only version ${SIG_VERSION}`);
  }
  const publicKey = decodePublicKeyBlob(
    reader.readString('the public key'),
    'SSH_BAD_SIGNATURE',
    'the public key of the SSH signature',
  );
  const namespaceBytes = reader.readString('the namespace');
  const namespace = tryDecodeUtf8(namespaceBytes);
  if (namespace === undefined) {
    throw reader.error(`the namespace ${describeBytes(namespaceBytes)} is not UTF-8`);
  }
  if (namespace === '' || namespace.includes('\0')) {
    // PROTOCOL.sshsig §2: "The namespace value MUST NOT be the empty string."
    throw reader.error(`the namespace ${describeText(namespace)} is empty or holds a NUL`);
  }
  reader.readString('the reserved field');
  const hashBytes = reader.readString('the hash algorithm');
  const hashAlgorithm = tryDecodeUtf8(hashBytes);
  if (hashAlgorithm === undefined || !HASH_ALGORITHMS.includes(hashAlgorithm)) {
    // PROTOCOL.sshsig §2: "The supported hash algorithms are "sha256" and "sha512"."
    throw new SshError(
      'SSH_UNSUPPORTED',
      `the SSH signature uses the hash algorithm ${describeBytes(hashBytes)}; only sha512 and sha256 are accepted`,
    );
  }
  const signatureBytes = reader.readString('the signature');
  reader.expectEnd();

  // RFC 8709 §6: string "ssh-ed25519", string signature (64 bytes).
  const inner = new WireReader(signatureBytes, 'SSH_BAD_SIGNATURE', 'the signature');
  const algorithm = inner.readString('the signature algorithm');
  if (tryDecodeUtf8(algorithm) !== SSH_ED25519) {
    throw inner.error(
      `the algorithm ${describeBytes(algorithm)} does not match the key (${SSH_ED25519})`,
    );
  }
  const signature = inner.readString('the Ed25519 signature');
  if (signature.length !== ED25519_SIGNATURE_SIZE) {
    throw inner.error(`an Ed25519 signature is 64 bytes, not ${signature.length}`);
  }
  inner.expectEnd();

  return {
    publicKey,
    namespace,
    hashAlgorithm: hashAlgorithm as HashAlgorithm,
    signatureAlgorithm: SSH_ED25519,
    signature,
    blob: blob.slice(),
  };
}

/**
 * Parses an armoured SSH signature, `-----BEGIN SSH SIGNATURE-----` … (PROTOCOL.sshsig), as
 * `ssh-keygen -Y sign` writes it. This checks the form only; {@link verifySignature} checks
 * the signature.
 *
 * The armour is read strictly: the header on the first line, base64 lines (wrapped anywhere,
 * as ssh-keygen wraps at 70), the footer, and nothing after it but line endings; LF or CRLF.
 *
 * @throws {SshError} SSH_BAD_ARMOR for a missing or wrong header or footer, text after the
 *   footer, or base64 that is not canonical; SSH_BAD_SIGNATURE for a blob that is truncated, has
 *   trailing bytes, lacks the "SSHSIG" magic, has a version other than 1, an empty namespace, a
 *   malformed key or an Ed25519 signature that is not 64 bytes or not labelled ssh-ed25519;
 *   SSH_UNSUPPORTED for a key other than ssh-ed25519 or a hash algorithm other than sha512 and
 *   sha256.
 */
export function parseSignature(armored: string): SshSignature {
  return parseSignatureBlob(dearmorSignature(armored));
}

/**
 * Formats an SSH signature in its armour, byte for byte as `ssh-keygen -Y sign` writes it (with
 * an empty reserved field and a final line ending). With {@link signedDataFor}, this makes an
 * SSHSIG from a signature made elsewhere, such as by an SSH agent.
 *
 * @throws {SshError} SSH_BAD_KEY if the public key is malformed; SSH_BAD_ARGUMENT if the
 *   namespace or hash algorithm is not allowed or the signature is not 64 bytes.
 */
export function formatSignature(signature: {
  publicKey: SshPublicKey;
  namespace: string;
  hashAlgorithm: HashAlgorithm;
  signature: Uint8Array;
}): string {
  if (typeof signature !== 'object' || signature === null) {
    throw new SshError('SSH_BAD_ARGUMENT', 'a signature is an object');
  }
  requirePublicKey(signature.publicKey);
  requireNamespace(signature.namespace);
  requireHashAlgorithm(signature.hashAlgorithm);
  requireBytes(signature.signature, 'the signature');
  if (signature.signature.length !== ED25519_SIGNATURE_SIZE) {
    throw new SshError('SSH_BAD_ARGUMENT', 'an Ed25519 signature is 64 bytes');
  }
  const blob = new WireWriter()
    .writeBytes(MAGIC)
    .writeUint32(SIG_VERSION)
    .writeString(encodeEd25519Blob(signature.publicKey.key))
    .writeString(signature.namespace)
    .writeString(new Uint8Array(0))
    .writeString(signature.hashAlgorithm)
    .writeString(
      new WireWriter().writeString(SSH_ED25519).writeString(signature.signature).finish(),
    )
    .finish();
  return armorSignatureBlob(blob);
}

/** What a valid signature tells: who made it and how the message was hashed. */
export type VerifiedSignature = {
  /** The key that made the signature (its comment is empty). */
  publicKey: SshPublicKey;
  hashAlgorithm: HashAlgorithm;
};

/**
 * Verifies an armoured SSH signature of `message` in `namespace`, as `ssh-keygen -Y verify`
 * does: the namespace must be the one expected, the hash algorithm sha512 or sha256, the key
 * and signature ssh-ed25519, the Ed25519 signature of {@link signedDataFor} valid — and, if
 * `publicKey` is given, the signature must name that key.
 *
 * @throws {SshError} SSH_BAD_ARGUMENT if the message is not a Uint8Array or the namespace is
 *   empty; everything {@link parseSignature} throws; SSH_BAD_KEY if `publicKey` is malformed;
 *   SSH_BAD_SIGNATURE if the namespace differs, the signature names another key, or the
 *   signature does not verify.
 */
export async function verifySignature(options: {
  armored: string;
  message: Uint8Array;
  namespace: string;
  publicKey?: SshPublicKey;
}): Promise<VerifiedSignature> {
  if (typeof options !== 'object' || options === null) {
    throw new SshError('SSH_BAD_ARGUMENT', 'verifySignature takes an object');
  }
  const { armored, message, namespace, publicKey } = options;
  requireBytes(message, 'the message');
  requireNamespace(namespace);
  if (publicKey !== undefined) {
    requirePublicKey(publicKey);
  }
  const signature = parseSignature(armored);
  if (signature.namespace !== namespace) {
    throw new SshError(
      'SSH_BAD_SIGNATURE',
      `the signature is for the namespace ${describeText(signature.namespace)}, not ${describeText(namespace)}`,
    );
  }
  if (publicKey !== undefined && !samePublicKey(signature.publicKey, publicKey)) {
    throw new SshError(
      'SSH_BAD_SIGNATURE',
      `the signature was made by the key ${await fingerprint(signature.publicKey)}, not ${await fingerprint(publicKey)}`,
    );
  }
  const signedData = await signedDataFor(message, namespace, signature.hashAlgorithm);
  if (!(await verifyEd25519(signature.publicKey.key, signedData, signature.signature))) {
    throw new SshError('SSH_BAD_SIGNATURE', 'the signature does not verify');
  }
  return { publicKey: signature.publicKey, hashAlgorithm: signature.hashAlgorithm };
}
