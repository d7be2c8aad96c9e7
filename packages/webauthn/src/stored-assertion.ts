import { tryDecodeBase64Url } from './bytes.ts';
import { MAX_AUTHENTICATOR_DATA_SIZE, MAX_CREDENTIAL_ID_SIZE } from './authenticator-data.ts';
import {
  MAX_CLIENT_DATA_SIZE,
  verifyAssertion,
  type AssertionToVerify,
  type VerifiedAssertion,
} from './assertion.ts';
import { WebAuthnError } from './errors.ts';

// An assertion as the log stores it: the parts of an AuthenticatorAssertionResponse that
// verification needs, and the credential ID that names the key, each in base64url without
// padding (WebAuthn §3) — the encoding of PublicKeyCredential.toJSON() (WebAuthn §5.1.8).

/** A WebAuthn assertion in the log; every field is unpadded base64url. */
export type StoredAssertion = {
  credentialId: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
};

const FIELDS = ['credentialId', 'authenticatorData', 'clientDataJSON', 'signature'] as const;

/** The most bytes each field may hold; an RS256 signature of an 8192-bit key is 1024. */
const MAX_SIZES = {
  credentialId: MAX_CREDENTIAL_ID_SIZE,
  authenticatorData: MAX_AUTHENTICATOR_DATA_SIZE,
  clientDataJSON: MAX_CLIENT_DATA_SIZE,
  signature: 1024,
} as const satisfies Record<(typeof FIELDS)[number], number>;

function bad(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_STORED_ASSERTION', `the stored assertion: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function decodeFields(value: unknown): Record<(typeof FIELDS)[number], Uint8Array> {
  if (!isPlainObject(value)) {
    throw bad('a stored assertion is a plain object');
  }
  const extra = Object.keys(value).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (extra.length > 0) {
    throw bad(`unknown field ${JSON.stringify(extra[0]!.slice(0, 32))}`);
  }
  const decoded = {} as Record<(typeof FIELDS)[number], Uint8Array>;
  for (const field of FIELDS) {
    const text = Object.hasOwn(value, field) ? value[field] : undefined;
    if (typeof text !== 'string') {
      throw bad(`${field} must be a string`);
    }
    // Four characters of base64url hold three bytes; check before decoding anything large.
    if (text.length > Math.ceil((MAX_SIZES[field] * 4) / 3)) {
      throw bad(`${field} is longer than ${MAX_SIZES[field]} bytes`);
    }
    const bytes = tryDecodeBase64Url(text);
    if (bytes === undefined) {
      throw bad(`${field} is not unpadded base64url`);
    }
    if (bytes.length === 0) {
      throw bad(`${field} is empty`);
    }
    decoded[field] = bytes;
  }
  return decoded;
}

/**
 * Parses an assertion stored in the log, from JSON for instance: an object with exactly the
 * string fields credentialId, authenticatorData, clientDataJSON and signature, each non-empty,
 * strict unpadded base64url, and within its size (credential ID 1023 bytes, authenticator and
 * client data 64 KiB, signature 1024 bytes). This checks the form only; verifyStoredAssertion
 * checks the assertion.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_STORED_ASSERTION for anything else.
 */
export function parseStoredAssertion(value: unknown): StoredAssertion {
  decodeFields(value);
  const fields = value as StoredAssertion;
  return {
    credentialId: fields.credentialId,
    authenticatorData: fields.authenticatorData,
    clientDataJSON: fields.clientDataJSON,
    signature: fields.signature,
  };
}

/**
 * Parses and verifies an assertion stored in the log (see parseStoredAssertion and
 * verifyAssertion). Which key the credential ID names is the caller's to know: the signature
 * is checked against `publicKey` alone.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_STORED_ASSERTION if `stored` is malformed; everything
 *   that verifyAssertion throws.
 */
export async function verifyStoredAssertion(
  stored: StoredAssertion,
  options: Omit<AssertionToVerify, 'authenticatorData' | 'clientDataJSON' | 'signature'>,
): Promise<VerifiedAssertion> {
  const { authenticatorData, clientDataJSON, signature } = decodeFields(stored);
  if (typeof options !== 'object' || options === null) {
    throw new WebAuthnError('WEBAUTHN_BAD_ARGUMENT', 'verifyStoredAssertion takes options');
  }
  return verifyAssertion({
    publicKey: options.publicKey,
    expectedChallenge: options.expectedChallenge,
    rpId: options.rpId,
    origins: options.origins,
    requireUserVerification: options.requireUserVerification,
    authenticatorData,
    clientDataJSON,
    signature,
  });
}
