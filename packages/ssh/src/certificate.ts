import {
  bytesEqual,
  describeBytes,
  describeText,
  tryDecodeBase64,
  tryDecodeUtf8,
} from './bytes.ts';
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SIGNATURE_SIZE, verifyEd25519 } from './crypto.ts';
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
import { WireReader } from './wire.ts';

// OpenSSH certificates (PROTOCOL.certkeys), as `ssh-keygen -s` makes them: an ssh-ed25519 key
// certified by an ssh-ed25519 CA, nothing else. Where the text is silent this follows
// openssh-portable — sshkey.c (cert_parse, sshkey_cert_check_authority) and auth-options.c
// (cert_option_list) — and is stricter where OpenSSH is lenient (see parseCertificateBlob).
// Every byte of a certificate comes from outside, from the member who presents it.

/** The one certificate type the cooperative accepts (PROTOCOL.certkeys, "ED25519 certificate"). */
export const SSH_ED25519_CERT = 'ssh-ed25519-cert-v01@openssh.com';

/** Whom a certificate identifies: SSH_CERT_TYPE_USER (1) or SSH_CERT_TYPE_HOST (2). */
export type SshCertificateType = 'user' | 'host';

/** An OpenSSH certificate of an ssh-ed25519 key by an ssh-ed25519 CA, not yet verified. */
export type SshCertificate = {
  /** The CA's random bytes that make the signed data unpredictable (32 from ssh-keygen). */
  readonly nonce: Uint8Array;
  /** The certified key (its comment is empty; the comment of the line is {@link comment}). */
  readonly publicKey: SshPublicKey;
  /** The CA's number for the certificate, 0 if it numbers none (`ssh-keygen -z`). */
  readonly serial: bigint;
  readonly type: SshCertificateType;
  /** The CA's free-form name for the certificate, logged by sshd (`ssh-keygen -I`). */
  readonly keyId: string;
  /**
   * User names (or host names) the certificate is valid for, in the CA's order. PROTOCOL.certkeys
   * lets an empty list stand for every principal; {@link verifyCertificate} refuses it.
   */
  readonly validPrincipals: readonly string[];
  /** Seconds since 1970; valid from this second on. 0 is "always". */
  readonly validAfter: bigint;
  /** Seconds since 1970; valid before this second. 2^64 - 1 is "forever". */
  readonly validBefore: bigint;
  /**
   * Critical options in the certificate's (lexical) order: `force-command` and
   * `source-address` with their string, `verify-required` and other flags with ''. Nothing here
   * is enforced by {@link verifyCertificate}.
   */
  readonly criticalOptions: ReadonlyMap<string, string>;
  /** Extensions in the certificate's (lexical) order: `permit-pty` and other flags with ''. */
  readonly extensions: ReadonlyMap<string, string>;
  /** Unused by the protocol and ignored, but signed (ssh-keygen leaves it empty). */
  readonly reserved: Uint8Array;
  /** The CA key that signed the certificate, as the certificate names it. */
  readonly signatureKey: SshPublicKey;
  readonly signatureAlgorithm: typeof SSH_ED25519;
  /** The CA's 64-byte Ed25519 signature of the blob up to the signature field. */
  readonly signature: Uint8Array;
  /** The whole certificate blob, as it stands base64-encoded on the line. */
  readonly blob: Uint8Array;
  /** The comment after the certificate on its line; empty if there is none. */
  readonly comment: string;
};

/** The largest certificate blob that is read; an ssh-keygen certificate is about 400 bytes. */
export const MAX_CERTIFICATE_SIZE = 16_384;
/** The longest certificate line that is read: base64 of the largest blob, type and comment. */
export const MAX_CERTIFICATE_LINE = 32_768;
/** sshkey.h SSHKEY_CERT_MAX_PRINCIPALS; cert_parse refuses more. */
const MAX_PRINCIPALS = 256;

const UINT64_MAX = (1n << 64n) - 1n;
const CERT_TYPES = new Map<number, SshCertificateType>([
  [1, 'user'],
  [2, 'host'],
]);
const CERTIFICATE_SUFFIX = '-cert-v01@openssh.com';
// RFC 4251 §6: algorithm names are printable US-ASCII without spaces or commas, at most 64.
const ALGORITHM_NAME = /^[\x21-\x2b\x2d-\x7e]{1,64}$/;

// The options whose data sshd knows (auth-options.c, cert_option_list): flags carry no data,
// the others one string; anything else in their data makes sshd refuse the certificate.
const CRITICAL_FLAGS = new Set(['verify-required']);
const CRITICAL_STRINGS = new Set(['force-command', 'source-address']);
const EXTENSION_FLAGS = new Set([
  'no-touch-required',
  'permit-X11-forwarding',
  'permit-agent-forwarding',
  'permit-port-forwarding',
  'permit-pty',
  'permit-user-rc',
]);

function badCertificate(message: string): SshError {
  return new SshError('SSH_BAD_CERTIFICATE', `not an OpenSSH certificate: ${message}`);
}

function algorithmName(bytes: Uint8Array): string | undefined {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return ALGORITHM_NAME.test(text) ? text : undefined;
}

/** The type name at the start of a blob, or undefined if it does not start with one. */
function peekType(blob: Uint8Array): string | undefined {
  try {
    return algorithmName(
      new WireReader(blob, 'SSH_BAD_CERTIFICATE', 'the blob').readString('type'),
    );
  } catch {
    return undefined;
  }
}

function isCertificateType(type: string): boolean {
  return type.endsWith(CERTIFICATE_SUFFIX);
}

function unsupportedCertificate(type: string): SshError {
  return new SshError(
    'SSH_UNSUPPORTED',
    `only ${SSH_ED25519_CERT} certificates are accepted (the cooperative's policy), not ${describeText(type)}`,
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * A critical options or extensions section (PROTOCOL.certkeys, "Critical options"): a sequence
 * of string name, string data, the names unique and in lexical (byte) order.
 */
function readOptions(
  section: Uint8Array,
  what: string,
  flags: ReadonlySet<string>,
  strings: ReadonlySet<string>,
): Map<string, string> {
  const reader = new WireReader(section, 'SSH_BAD_CERTIFICATE', `the ${what} of the certificate`);
  const options = new Map<string, string>();
  let previous: Uint8Array | undefined;
  while (reader.remaining > 0) {
    const nameBytes = reader.readString('a name');
    const name = tryDecodeUtf8(nameBytes);
    if (name === undefined || name === '' || name.includes('\0')) {
      throw reader.error(`the name ${describeBytes(nameBytes)} is empty, not UTF-8 or holds a NUL`);
    }
    if (previous !== undefined) {
      const order = compareBytes(previous, nameBytes);
      if (order === 0) {
        throw reader.error(`${describeText(name)} appears twice`);
      }
      if (order > 0) {
        throw reader.error(`${describeText(name)} is out of lexical order`);
      }
    }
    previous = nameBytes;
    const data = reader.readString(`the data of ${describeText(name)}`);
    if (data.length === 0) {
      if (strings.has(name)) {
        throw reader.error(`${describeText(name)} lacks its value`);
      }
      options.set(name, '');
      continue;
    }
    if (flags.has(name)) {
      throw reader.error(`${describeText(name)} is a flag, but carries data`);
    }
    // The value of an option is itself a string inside the data (PROTOCOL.certkeys, ssh-keygen's
    // prepare_options_buf); auth-options.c refuses extra data after it.
    const value = new WireReader(
      data,
      'SSH_BAD_CERTIFICATE',
      `the ${what} of the certificate: the data of ${describeText(name)}`,
    );
    const text = value.readText('the value');
    value.expectEnd();
    options.set(name, text);
  }
  return options;
}

function readPrincipals(section: Uint8Array): string[] {
  const reader = new WireReader(
    section,
    'SSH_BAD_CERTIFICATE',
    'the valid principals of the certificate',
  );
  const principals: string[] = [];
  while (reader.remaining > 0) {
    if (principals.length === MAX_PRINCIPALS) {
      throw reader.error(`more than ${MAX_PRINCIPALS} principals`);
    }
    const principal = reader.readText('a principal');
    if (principal === '') {
      // ssh-keygen refuses to sign an empty principal name.
      throw reader.error('a principal is empty');
    }
    principals.push(principal);
  }
  return principals;
}

function readSignatureKey(reader: WireReader): SshPublicKey {
  const blob = reader.readString('the signature key');
  const type = peekType(blob);
  if (type !== undefined && isCertificateType(type)) {
    // PROTOCOL.certkeys: "Chained" certificates … are NOT supported.
    throw reader.error(`the signature key is a certificate (${describeText(type)}), not a key`);
  }
  if (type !== undefined && type !== SSH_ED25519) {
    throw new SshError(
      'SSH_UNSUPPORTED',
      `the certificate is signed by a CA key of type ${describeText(type)}; only ${SSH_ED25519} CA keys are accepted (the cooperative's policy)`,
    );
  }
  return decodePublicKeyBlob(blob, 'SSH_BAD_CERTIFICATE', 'the signature key of the certificate');
}

function readSignature(bytes: Uint8Array): Uint8Array {
  // RFC 8709 §6: string "ssh-ed25519", string signature (64 bytes).
  const reader = new WireReader(bytes, 'SSH_BAD_CERTIFICATE', 'the signature of the certificate');
  const algorithm = reader.readString('the signature algorithm');
  if (tryDecodeUtf8(algorithm) !== SSH_ED25519) {
    throw reader.error(
      `the algorithm ${describeBytes(algorithm)} does not match the CA key (${SSH_ED25519})`,
    );
  }
  const signature = reader.readString('the Ed25519 signature');
  if (signature.length !== ED25519_SIGNATURE_SIZE) {
    throw reader.error(`an Ed25519 signature is 64 bytes, not ${signature.length}`);
  }
  reader.expectEnd();
  return signature;
}

type DecodedCertificate = {
  certificate: SshCertificate;
  /** How many bytes at the start of the blob the CA signed: all up to the signature field. */
  signedLength: number;
};

function decodeCertificate(blob: Uint8Array, comment: string): DecodedCertificate {
  const reader = new WireReader(blob, 'SSH_BAD_CERTIFICATE', 'the certificate');
  if (blob.length > MAX_CERTIFICATE_SIZE) {
    throw reader.error(`larger than ${MAX_CERTIFICATE_SIZE} bytes`);
  }
  const typeBytes = reader.readString('the key type');
  const type = algorithmName(typeBytes);
  if (type !== SSH_ED25519_CERT) {
    if (type !== undefined && isCertificateType(type)) {
      throw unsupportedCertificate(type);
    }
    throw reader.error(
      type === undefined
        ? `the key type ${describeBytes(typeBytes)} is not an algorithm name`
        : `${describeText(type)} is a key type, not a certificate type`,
    );
  }
  const nonce = reader.readString('the nonce');
  const key = reader.readString('the Ed25519 key');
  if (key.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw reader.error(`an Ed25519 key is 32 bytes, not ${key.length}`);
  }
  const serial = reader.readUint64('the serial');
  const typeNumber = reader.readUint32('the certificate type');
  const certificateType = CERT_TYPES.get(typeNumber);
  if (certificateType === undefined) {
    throw reader.error(`the certificate type ${typeNumber} is neither 1 (user) nor 2 (host)`);
  }
  const keyId = reader.readText('the key id');
  const validPrincipals = readPrincipals(reader.readString('the valid principals'));
  const validAfter = reader.readUint64('the start of validity');
  const validBefore = reader.readUint64('the end of validity');
  const criticalOptions = readOptions(
    reader.readString('the critical options'),
    'critical options',
    CRITICAL_FLAGS,
    CRITICAL_STRINGS,
  );
  const extensions = readOptions(
    reader.readString('the extensions'),
    'extensions',
    EXTENSION_FLAGS,
    new Set(),
  );
  const reserved = reader.readString('the reserved field');
  const signatureKey = readSignatureKey(reader);
  // PROTOCOL.certkeys: the signature covers all preceding fields, up to the signature key.
  const signedLength = blob.length - reader.remaining;
  const signature = readSignature(reader.readString('the signature'));
  reader.expectEnd();
  return {
    certificate: {
      nonce,
      publicKey: { type: SSH_ED25519, key, blob: encodeEd25519Blob(key), comment: '' },
      serial,
      type: certificateType,
      keyId,
      validPrincipals,
      validAfter,
      validBefore,
      criticalOptions,
      extensions,
      reserved,
      signatureKey,
      signatureAlgorithm: SSH_ED25519,
      signature,
      blob: blob.slice(),
      comment,
    },
    signedLength,
  };
}

/**
 * Parses the blob of an OpenSSH certificate (PROTOCOL.certkeys), as it travels in SSH and
 * stands base64-encoded on a `-cert.pub` line. This checks the form only;
 * {@link verifyCertificate} checks the signature, the CA, the time and the principal. The
 * comment of the result is empty.
 *
 * Stricter than OpenSSH: no more than {@link MAX_CERTIFICATE_SIZE} bytes; no empty principal
 * (ssh-keygen refuses to sign one); critical options and extensions must be unique and in
 * lexical order, as PROTOCOL.certkeys requires; every option's data is empty (a flag) or one
 * string of UTF-8 (a value), the options that sshd knows in the form sshd expects; key id,
 * principals and values are UTF-8 without NUL. The reserved field is kept, not checked.
 *
 * @throws {SshError} SSH_UNSUPPORTED for a certificate other than ssh-ed25519-cert-v01 (RSA,
 *   ECDSA, security keys) or a CA key other than ssh-ed25519; SSH_BAD_CERTIFICATE for anything
 *   else that is not such a certificate: a plain public key, a truncated or oversized blob,
 *   bytes after the signature, a key that is not 32 bytes, a type other than 1 or 2, more than
 *   256 principals, unordered or repeated options, a certificate as CA key, or a signature that
 *   is not a 64-byte ssh-ed25519 one.
 */
export function parseCertificateBlob(blob: Uint8Array): SshCertificate {
  return decodeCertificate(blob, '').certificate;
}

function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(text);
}

/**
 * Parses an OpenSSH certificate line, `ssh-ed25519-cert-v01@openssh.com AAAA… comment`, as
 * `ssh-keygen -s` writes it to `*-cert.pub`. Spaces and tabs around the line and one line
 * ending after it are ignored. This checks the form only; {@link verifyCertificate} checks the
 * signature, the CA, the time and the principal.
 *
 * @throws {SshError} SSH_UNSUPPORTED for another certificate type or a CA key other than
 *   ssh-ed25519; SSH_BAD_CERTIFICATE for a line that is not one such certificate (a plain
 *   public key, options before the type, base64 that is not canonical, a blob whose type
 *   differs from the line's, control characters in the comment, more than one line, more than
 *   {@link MAX_CERTIFICATE_LINE} characters) and for every blob that
 *   {@link parseCertificateBlob} refuses.
 */
export function parseCertificate(line: string): SshCertificate {
  if (typeof line !== 'string') {
    throw badCertificate('a certificate line is a string');
  }
  if (line.length > MAX_CERTIFICATE_LINE) {
    throw badCertificate(`longer than ${MAX_CERTIFICATE_LINE} characters`);
  }
  const body = line.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(body)) {
    throw badCertificate('more than one line');
  }
  const match = /^[ \t]*([^ \t]+)(?:[ \t]+([^ \t]+))?(?:[ \t]+(.*?))?[ \t]*$/s.exec(body);
  if (match === null) {
    throw badCertificate('the line is empty');
  }
  const type = match[1]!;
  const data = match[2];
  const comment = match[3] ?? '';
  if (type !== SSH_ED25519_CERT) {
    if (ALGORITHM_NAME.test(type) && isCertificateType(type)) {
      throw unsupportedCertificate(type);
    }
    throw badCertificate(
      ALGORITHM_NAME.test(type)
        ? `${describeText(type)} is a key type, not a certificate type`
        : `it starts with ${describeText(type)}, not ${SSH_ED25519_CERT}`,
    );
  }
  if (data === undefined) {
    throw badCertificate('the certificate is missing after its type');
  }
  const blob = tryDecodeBase64(data);
  if (blob === undefined) {
    throw badCertificate('the certificate is not canonical base64');
  }
  const blobType = peekType(blob);
  if (blobType !== SSH_ED25519_CERT) {
    throw badCertificate(
      `the line says ${SSH_ED25519_CERT} but the blob is ${blobType === undefined ? 'malformed' : describeText(blobType)}`,
    );
  }
  if (hasControlCharacters(comment)) {
    throw badCertificate('the comment holds control characters');
  }
  return decodeCertificate(blob, comment).certificate;
}

function sameBytes(a: Uint8Array, b: unknown): boolean {
  return b instanceof Uint8Array && bytesEqual(a, b);
}

function sameKey(a: SshPublicKey, b: unknown): boolean {
  const key = b as Partial<Record<keyof SshPublicKey, unknown>> | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    key.type === a.type &&
    sameBytes(a.key, key.key) &&
    sameBytes(a.blob, key.blob)
  );
}

function sameOptions(a: ReadonlyMap<string, string>, b: unknown): boolean {
  if (!(b instanceof Map) || b.size !== a.size) return false;
  const entries = [...(b as Map<unknown, unknown>)];
  return [...a].every(([name, value], i) => entries[i]?.[0] === name && entries[i][1] === value);
}

/** Whether the fields of `value` are those of `decoded`, the certificate parsed from its blob. */
function sameCertificate(decoded: SshCertificate, value: object): boolean {
  const c = value as Partial<Record<keyof SshCertificate, unknown>>;
  return (
    sameBytes(decoded.nonce, c.nonce) &&
    sameKey(decoded.publicKey, c.publicKey) &&
    c.serial === decoded.serial &&
    c.type === decoded.type &&
    c.keyId === decoded.keyId &&
    Array.isArray(c.validPrincipals) &&
    c.validPrincipals.length === decoded.validPrincipals.length &&
    decoded.validPrincipals.every((p, i) => (c.validPrincipals as unknown[])[i] === p) &&
    c.validAfter === decoded.validAfter &&
    c.validBefore === decoded.validBefore &&
    sameOptions(decoded.criticalOptions, c.criticalOptions) &&
    sameOptions(decoded.extensions, c.extensions) &&
    sameBytes(decoded.reserved, c.reserved) &&
    sameKey(decoded.signatureKey, c.signatureKey) &&
    c.signatureAlgorithm === decoded.signatureAlgorithm &&
    sameBytes(decoded.signature, c.signature)
  );
}

/**
 * The certificate in `value`, decoded again from its blob, which is what the CA signed: a field
 * of the object that was changed after parsing must not pass for a signed one.
 */
function decodeGivenCertificate(value: unknown): DecodedCertificate {
  const blob = (value as { blob?: unknown } | null | undefined)?.blob;
  if (typeof value !== 'object' || value === null || !(blob instanceof Uint8Array)) {
    throw new SshError(
      'SSH_BAD_ARGUMENT',
      'a certificate is an SshCertificate, as parseCertificate returns it',
    );
  }
  const decoded = decodeCertificate(blob, '');
  if (!sameCertificate(decoded.certificate, value)) {
    throw new SshError('SSH_BAD_ARGUMENT', 'the fields of the certificate differ from its blob');
  }
  return decoded;
}

/** A time of a certificate for people: ISO 8601 in UTC, with the seconds since 1970. */
function describeTime(seconds: bigint): string {
  if (seconds === UINT64_MAX) return 'forever';
  // Dates end at 8.64e15 ms (ECMA-262 §21.4.1.22); later seconds are shown as a number.
  if (seconds > 8_640_000_000_000n) return `${seconds} s`;
  return `${new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z')} (${seconds})`;
}

function describePrincipals(principals: readonly string[]): string {
  const shown = principals.slice(0, 8).map((principal) => describeText(principal));
  return principals.length > shown.length
    ? `${shown.join(', ')} and ${principals.length - shown.length} more`
    : shown.join(', ');
}

/** What a certificate must be to pass {@link verifyCertificate}; every part is optional. */
export type CertificateRequirements = {
  /** The CA that must have signed it. Without it, any key's signature passes. */
  caKey?: SshPublicKey;
  /** Seconds since 1970 at which it must be valid. Without it, validity is not checked. */
  at?: bigint;
  /** A name that must be among its valid principals, compared exactly. */
  principal?: string;
  /** Whether it must be a user or a host certificate. */
  type?: SshCertificateType;
};

function requireRequirements(options: unknown): asserts options is CertificateRequirements {
  if (typeof options !== 'object' || options === null) {
    throw new SshError('SSH_BAD_ARGUMENT', 'the requirements of a certificate are an object');
  }
  const { caKey, at, principal, type } = options as Record<keyof CertificateRequirements, unknown>;
  if (caKey !== undefined) {
    requirePublicKey(caKey);
  }
  if (at !== undefined && (typeof at !== 'bigint' || at < 0n || at > UINT64_MAX)) {
    throw new SshError('SSH_BAD_ARGUMENT', 'the time is a bigint of seconds from 0 to 2^64 - 1');
  }
  if (principal !== undefined && typeof principal !== 'string') {
    throw new SshError('SSH_BAD_ARGUMENT', 'the principal is a string');
  }
  if (type !== undefined && type !== 'user' && type !== 'host') {
    throw new SshError('SSH_BAD_ARGUMENT', 'the certificate type is "user" or "host"');
  }
}

/**
 * Verifies an OpenSSH certificate as sshd would accept it (sshkey.c, cert_parse and
 * sshkey_cert_check_authority): the Ed25519 signature of its CA over the blob up to the
 * signature field is valid, it names at least one principal, and — for each requirement given
 * — the CA is `caKey`, `at` lies within [validAfter, validBefore), `principal` is one of the
 * valid principals, and the type is `type`. The fields of `certificate` must be those that
 * {@link parseCertificate} read from its blob.
 *
 * Without `caKey` anyone can make a certificate that passes; without `at` an expired one
 * passes. A certificate with no principals never passes: PROTOCOL.certkeys lets it stand for
 * every principal, but sshd's TrustedUserCAKeys always refused it and OpenSSH 10.3 refuses it
 * everywhere (a fail-open that CVE-2024-7594 exploited). Principals are compared exactly, also
 * for host certificates, whose wildcards OpenSSH would match. Critical options are not
 * interpreted: a caller that lets the certificate authorise anything must enforce
 * `force-command` and `source-address` and refuse options it does not know (PROTOCOL.certkeys).
 *
 * @throws {SshError} SSH_BAD_ARGUMENT if the requirements are malformed or the certificate's
 *   fields differ from its blob; SSH_BAD_KEY if `caKey` is malformed; everything
 *   {@link parseCertificateBlob} throws; then, checked in this order, SSH_CERT_WRONG_CA if
 *   another CA signed it, SSH_BAD_SIGNATURE if the signature does not verify,
 *   SSH_CERT_WRONG_TYPE, SSH_CERT_NOT_YET_VALID if `at` < validAfter, SSH_CERT_EXPIRED if
 *   `at` >= validBefore, SSH_CERT_NO_PRINCIPALS if it names no principal,
 *   SSH_CERT_WRONG_PRINCIPAL if `principal` is not among them.
 */
export async function verifyCertificate(
  certificate: SshCertificate,
  requirements: CertificateRequirements = {},
): Promise<void> {
  requireRequirements(requirements);
  const { caKey, at, principal, type } = requirements;
  const { certificate: cert, signedLength } = decodeGivenCertificate(certificate);
  if (caKey !== undefined && !samePublicKey(cert.signatureKey, caKey)) {
    throw new SshError(
      'SSH_CERT_WRONG_CA',
      `the certificate was signed by the CA ${await fingerprint(cert.signatureKey)}, not ${await fingerprint(caKey)}`,
    );
  }
  const signed = cert.blob.subarray(0, signedLength);
  if (!(await verifyEd25519(cert.signatureKey.key, signed, cert.signature))) {
    throw new SshError('SSH_BAD_SIGNATURE', 'the signature of the certificate does not verify');
  }
  if (type !== undefined && cert.type !== type) {
    throw new SshError(
      'SSH_CERT_WRONG_TYPE',
      `the certificate is a ${cert.type} certificate, not a ${type} certificate`,
    );
  }
  if (at !== undefined && at < cert.validAfter) {
    throw new SshError(
      'SSH_CERT_NOT_YET_VALID',
      `the certificate is valid from ${describeTime(cert.validAfter)}, not yet at ${describeTime(at)}`,
    );
  }
  if (at !== undefined && at >= cert.validBefore) {
    throw new SshError(
      'SSH_CERT_EXPIRED',
      `the certificate was valid before ${describeTime(cert.validBefore)}, no longer at ${describeTime(at)}`,
    );
  }
  if (cert.validPrincipals.length === 0) {
    throw new SshError(
      'SSH_CERT_NO_PRINCIPALS',
      'the certificate names no principal (OpenSSH refuses such a certificate)',
    );
  }
  if (principal !== undefined && !cert.validPrincipals.includes(principal)) {
    throw new SshError(
      'SSH_CERT_WRONG_PRINCIPAL',
      `the certificate is valid for ${describePrincipals(cert.validPrincipals)}, not for ${describeText(principal)}`,
    );
  }
}
