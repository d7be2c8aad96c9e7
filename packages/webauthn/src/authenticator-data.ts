import { CborMap, decodeCborPrefix } from './cbor.ts';
import { WebAuthnError } from './errors.ts';

// Authenticator data, WebAuthn §6.1: rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian)
// ‖ attested credential data (§6.5.1, if AT) ‖ extensions (a CBOR map, if ED). Everything here
// comes from outside, most of it through the client from the authenticator.

/** The longest authenticator data that is read; an assertion's is 37 bytes plus extensions. */
export const MAX_AUTHENTICATOR_DATA_SIZE = 65_536;

/** WebAuthn §6.5.1: "Credential IDs … MUST NOT exceed 1023 bytes". */
export const MAX_CREDENTIAL_ID_SIZE = 1023;

const FIXED_SIZE = 37;
const AAGUID_SIZE = 16;

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

export type AuthenticatorFlags = {
  /** UP: the user was present (touched the authenticator). */
  readonly userPresent: boolean;
  /** UV: the user was verified (PIN, biometrics). */
  readonly userVerified: boolean;
  /** BE: the credential may be backed up (a synced passkey). */
  readonly backupEligible: boolean;
  /** BS: the credential is backed up now. */
  readonly backedUp: boolean;
  /** AT: attested credential data follows (registrations only). */
  readonly attestedCredentialData: boolean;
  /** ED: extension outputs follow. */
  readonly extensionData: boolean;
};

/** WebAuthn §6.5.1: the credential that a registration creates. */
export type AttestedCredentialData = {
  readonly aaguid: Uint8Array;
  readonly credentialId: Uint8Array;
  /** The COSE_Key, unparsed: pass it to parseCoseKey. */
  readonly credentialPublicKey: Uint8Array;
};

export type AuthenticatorData = {
  /** SHA-256 of the RP ID the authenticator scoped the credential to. */
  readonly rpIdHash: Uint8Array;
  readonly flags: AuthenticatorFlags;
  /** The signature counter (§6.1.1); zero if the authenticator keeps none. */
  readonly signCount: number;
  /** Present exactly when the AT flag is set. */
  readonly attestedCredentialData: AttestedCredentialData | undefined;
  /** The extension outputs, a CBOR map (§9), unparsed; present exactly when ED is set. */
  readonly extensions: Uint8Array | undefined;
};

function bad(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_AUTHENTICATOR_DATA', `the authenticator data: ${message}`);
}

/**
 * Parses authenticator data (WebAuthn §6.1), strictly: the attested credential data is there
 * exactly when the AT flag says so, its credential ID at most 1023 bytes and its public key one
 * well-formed CBOR map; the extensions are there exactly when ED says so and are one
 * well-formed CBOR map; nothing follows; and BS is set only with BE (§6.1, "Bit 4"). The CBOR
 * is checked as parseCoseKey checks it, but the public key is not parsed as a COSE key.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_AUTHENTICATOR_DATA for anything else, including input
 *   that is not a Uint8Array, shorter than 37 bytes or longer than 64 KiB.
 */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (!(bytes instanceof Uint8Array)) {
    throw bad('authenticator data is a Uint8Array');
  }
  if (bytes.length < FIXED_SIZE) {
    throw bad(`${bytes.length} bytes, fewer than the ${FIXED_SIZE} that every one has`);
  }
  if (bytes.length > MAX_AUTHENTICATOR_DATA_SIZE) {
    throw bad(`longer than ${MAX_AUTHENTICATOR_DATA_SIZE} bytes`);
  }
  const flagByte = bytes[32]!;
  const flags: AuthenticatorFlags = {
    userPresent: (flagByte & FLAG_UP) !== 0,
    userVerified: (flagByte & FLAG_UV) !== 0,
    backupEligible: (flagByte & FLAG_BE) !== 0,
    backedUp: (flagByte & FLAG_BS) !== 0,
    attestedCredentialData: (flagByte & FLAG_AT) !== 0,
    extensionData: (flagByte & FLAG_ED) !== 0,
  };
  if (flags.backedUp && !flags.backupEligible) {
    throw bad('the flags say backed up (BS) but not backup eligible (BE)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signCount = view.getUint32(33);
  let offset = FIXED_SIZE;

  let attestedCredentialData: AttestedCredentialData | undefined;
  if (flags.attestedCredentialData) {
    if (bytes.length - offset < AAGUID_SIZE + 2) {
      throw bad('the attested credential data is truncated');
    }
    const aaguid = bytes.slice(offset, offset + AAGUID_SIZE);
    const idLength = view.getUint16(offset + AAGUID_SIZE);
    offset += AAGUID_SIZE + 2;
    if (idLength > MAX_CREDENTIAL_ID_SIZE) {
      throw bad(`the credential ID is ${idLength} bytes, more than ${MAX_CREDENTIAL_ID_SIZE}`);
    }
    if (bytes.length - offset < idLength) {
      throw bad('the credential ID is truncated');
    }
    const credentialId = bytes.slice(offset, offset + idLength);
    offset += idLength;
    const key = decodeCborPrefix(
      bytes,
      offset,
      'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      'the credential public key in the authenticator data',
    );
    if (!(key.value instanceof CborMap)) {
      throw bad('the credential public key is not a CBOR map');
    }
    attestedCredentialData = {
      aaguid,
      credentialId,
      credentialPublicKey: bytes.slice(offset, key.end),
    };
    offset = key.end;
  }

  let extensions: Uint8Array | undefined;
  if (flags.extensionData) {
    const decoded = decodeCborPrefix(
      bytes,
      offset,
      'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      'the extensions in the authenticator data',
    );
    if (!(decoded.value instanceof CborMap)) {
      throw bad('the extensions are not a CBOR map');
    }
    extensions = bytes.slice(offset, decoded.end);
    offset = decoded.end;
  }

  if (offset !== bytes.length) {
    const trailing = bytes.length - offset;
    throw bad(`${trailing} byte${trailing === 1 ? '' : 's'} after what the flags announce`);
  }
  return {
    rpIdHash: bytes.slice(0, 32),
    flags,
    signCount,
    attestedCredentialData,
    extensions,
  };
}
