import {
  bytesEqual,
  concatBytes,
  describeText,
  encodeBase64Url,
  encodeUtf8,
  tryDecodeUtf8,
} from './bytes.ts';
import { parseAuthenticatorData } from './authenticator-data.ts';
import { parseCoseKey, type CoseKey } from './cose-key.ts';
import { sha256, verifySignature } from './crypto.ts';
import { WebAuthnError } from './errors.ts';

// Verifying an authentication assertion, WebAuthn §7.2, offline: the relying party's steps
// that need only the assertion, the credential public key, and what the verifier expects —
// the challenge (here the digest of the statement that was signed), the RP ID and the origins.
// Steps that need the server's state (the credential lookup, the stored signature counter)
// are the caller's; the counter is returned.

/** The longest client data that is read; Chromium's is about 250 bytes. */
export const MAX_CLIENT_DATA_SIZE = 65_536;

/** An assertion, as `navigator.credentials.get()` returns it, and what it must prove. */
export type AssertionToVerify = {
  /** The credential public key registered for the member: parsed, or its COSE_Key bytes. */
  publicKey: CoseKey | Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
  /** The challenge the assertion must answer: the SHA-256 digest of the statement. */
  expectedChallenge: Uint8Array;
  /** The RP ID the credential is scoped to, the cooperative's domain. */
  rpId: string;
  /** The origins the assertion may come from, such as "https://coop.example". */
  origins: readonly string[];
  /** Whether the UV flag must be set; true unless false is given. */
  requireUserVerification?: boolean;
};

/** What a valid assertion tells. */
export type VerifiedAssertion = {
  /** The signature counter (WebAuthn §6.1.1), for the caller to compare with the last one. */
  signCount: number;
  /** Whether the authenticator verified the user (PIN, biometrics). */
  userVerified: boolean;
};

function badArgument(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_ARGUMENT', message);
}

function requireBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw badArgument(`${what} must be a Uint8Array`);
  }
}

function badClientData(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_CLIENT_DATA', `the client data: ${message}`);
}

/** The public key as given, or parsed from its bytes; a CoseKey counts by its `raw` bytes. */
function publicKeyOf(publicKey: unknown): CoseKey {
  if (publicKey instanceof Uint8Array) {
    return parseCoseKey(publicKey);
  }
  if (typeof publicKey === 'object' && publicKey !== null && 'raw' in publicKey) {
    // Parsing again is cheap, and a key object that was built or changed by hand cannot say
    // one thing in its fields and another in its bytes.
    const { raw } = publicKey;
    if (raw instanceof Uint8Array) return parseCoseKey(raw);
  }
  throw badArgument('the public key must be a CoseKey or the bytes of a COSE key');
}

/** Own string property of the parsed client data, or undefined. */
function member(data: object, name: string): unknown {
  return Object.hasOwn(data, name) ? (data as Record<string, unknown>)[name] : undefined;
}

/** WebAuthn §7.2, from "Let JSONtext be the result of running UTF-8 decode on cData" on. */
function checkClientData(
  clientDataJSON: Uint8Array,
  expectedChallenge: Uint8Array,
  origins: readonly string[],
): void {
  if (clientDataJSON.length > MAX_CLIENT_DATA_SIZE) {
    throw badClientData(`longer than ${MAX_CLIENT_DATA_SIZE} bytes`);
  }
  const text = tryDecodeUtf8(clientDataJSON);
  if (text === undefined) {
    throw badClientData('not UTF-8');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new WebAuthnError('WEBAUTHN_BAD_CLIENT_DATA', 'the client data: not JSON', { cause });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badClientData('not a JSON object');
  }
  // §5.8.1: type, challenge and origin are required strings, crossOrigin an optional boolean.
  const type = member(data, 'type');
  const challenge = member(data, 'challenge');
  const origin = member(data, 'origin');
  const crossOrigin = member(data, 'crossOrigin');
  if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') {
    throw badClientData('type, challenge and origin must be strings');
  }
  if (crossOrigin !== undefined && typeof crossOrigin !== 'boolean') {
    throw badClientData('crossOrigin must be a boolean');
  }
  if (type !== 'webauthn.get') {
    throw new WebAuthnError(
      'WEBAUTHN_WRONG_TYPE',
      type === 'webauthn.create'
        ? 'the client data is of a registration (webauthn.create), not an assertion'
        : `the client data has the type ${describeText(type)}, not "webauthn.get"`,
    );
  }
  // The exact string: a second encoding of the same bytes (padding, other trailing bits) is
  // not what a browser writes.
  if (challenge !== encodeBase64Url(expectedChallenge)) {
    throw new WebAuthnError(
      'WEBAUTHN_WRONG_CHALLENGE',
      `the assertion answers the challenge ${describeText(challenge)}, not the one expected`,
    );
  }
  if (!origins.includes(origin)) {
    throw new WebAuthnError(
      'WEBAUTHN_WRONG_ORIGIN',
      `the assertion comes from the origin ${describeText(origin)}, which is not expected`,
    );
  }
  // §7.2: crossOrigin and topOrigin would tell of an iframe on another site; the cooperative
  // never embeds its signing page, so both are refused.
  if (crossOrigin === true || member(data, 'topOrigin') !== undefined) {
    throw new WebAuthnError(
      'WEBAUTHN_CROSS_ORIGIN',
      'the assertion was made in a cross-origin iframe, which is not expected',
    );
  }
}

/**
 * Verifies a WebAuthn assertion offline, by the steps of WebAuthn §7.2 that need no server
 * state: the client data is UTF-8 JSON of type "webauthn.get", with the base64url of
 * `expectedChallenge` as challenge, one of `origins` as origin and not cross-origin; the
 * authenticator data is well-formed, without attested credential data, for the SHA-256 of
 * `rpId`, with the UP flag and, unless `requireUserVerification` is false, the UV flag; and the
 * signature over authenticatorData ‖ SHA-256(clientDataJSON) verifies with the public key.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_ARGUMENT for arguments of the wrong type, an empty
 *   challenge, RP ID or list of origins; WEBAUTHN_BAD_KEY or WEBAUTHN_UNSUPPORTED for the key
 *   (see parseCoseKey); WEBAUTHN_BAD_CLIENT_DATA, WEBAUTHN_WRONG_TYPE,
 *   WEBAUTHN_WRONG_CHALLENGE, WEBAUTHN_WRONG_ORIGIN, WEBAUTHN_CROSS_ORIGIN for the client data;
 *   WEBAUTHN_BAD_AUTHENTICATOR_DATA, WEBAUTHN_WRONG_RP, WEBAUTHN_USER_NOT_PRESENT,
 *   WEBAUTHN_USER_NOT_VERIFIED for the authenticator data; WEBAUTHN_BAD_SIGNATURE if the
 *   signature is malformed or does not verify.
 */
export async function verifyAssertion(assertion: AssertionToVerify): Promise<VerifiedAssertion> {
  if (typeof assertion !== 'object' || assertion === null) {
    throw badArgument('verifyAssertion takes an object');
  }
  const {
    authenticatorData,
    clientDataJSON,
    signature,
    expectedChallenge,
    rpId,
    origins,
    requireUserVerification = true,
  } = assertion;
  requireBytes(authenticatorData, 'the authenticator data');
  requireBytes(clientDataJSON, 'the client data');
  requireBytes(signature, 'the signature');
  requireBytes(expectedChallenge, 'the expected challenge');
  if (expectedChallenge.length === 0) {
    throw badArgument('the expected challenge is empty');
  }
  if (typeof rpId !== 'string' || rpId === '') {
    throw badArgument('the RP ID must be a non-empty string');
  }
  if (
    !Array.isArray(origins) ||
    origins.length === 0 ||
    !origins.every((origin) => typeof origin === 'string')
  ) {
    throw badArgument('the origins must be a non-empty array of strings');
  }
  if (typeof requireUserVerification !== 'boolean') {
    throw badArgument('requireUserVerification must be a boolean');
  }
  const publicKey = publicKeyOf(assertion.publicKey);

  checkClientData(clientDataJSON, expectedChallenge, origins);

  const authData = parseAuthenticatorData(authenticatorData);
  if (authData.attestedCredentialData !== undefined) {
    // §6.3.3: an assertion's authenticator data excludes attested credential data.
    throw new WebAuthnError(
      'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      'the authenticator data: an assertion carries no attested credential data',
    );
  }
  if (!bytesEqual(authData.rpIdHash, await sha256(encodeUtf8(rpId)))) {
    throw new WebAuthnError(
      'WEBAUTHN_WRONG_RP',
      `the assertion is for another RP ID than ${describeText(rpId)}`,
    );
  }
  if (!authData.flags.userPresent) {
    throw new WebAuthnError(
      'WEBAUTHN_USER_NOT_PRESENT',
      'the authenticator did not test that the user was present (UP flag clear)',
    );
  }
  if (requireUserVerification && !authData.flags.userVerified) {
    throw new WebAuthnError(
      'WEBAUTHN_USER_NOT_VERIFIED',
      'the authenticator did not verify the user (UV flag clear)',
    );
  }

  const clientDataHash = await sha256(clientDataJSON);
  await verifySignature(publicKey, concatBytes(authenticatorData, clientDataHash), signature);
  return { signCount: authData.signCount, userVerified: authData.flags.userVerified };
}
