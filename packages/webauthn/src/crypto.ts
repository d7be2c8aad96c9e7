import { encodeBase64Url, toArrayBufferView } from './bytes.ts';
import {
  ALGORITHM_NAMES,
  COSE_ALG_EDDSA,
  COSE_ALG_ES256,
  COSE_ALG_RS256,
  type CoseKey,
} from './cose-key.ts';
import { bigIntFromBytes, P256_N } from './curves.ts';
import { WebAuthnError } from './errors.ts';

// SHA-256 and the signature checks of ES256, EdDSA and RS256 through WebCrypto, which Node and
// the browsers provide alike, with the signature formats of WebAuthn §6.5.6 ("Signature
// Formats for Packed Attestation, FIDO U2F Attestation, and Assertion Signatures").

function subtle(): SubtleCrypto {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (subtle === undefined) {
    throw new WebAuthnError(
      'WEBAUTHN_UNSUPPORTED',
      'WebCrypto is unavailable (the browser needs HTTPS)',
    );
  }
  return subtle;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', toArrayBufferView(data)));
}

function badSignature(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_SIGNATURE', `the signature: ${message}`);
}

const P256_SCALAR_SIZE = 32;

/**
 * The raw r ‖ s (32 bytes each) that WebCrypto verifies, from the DER Ecdsa-Sig-Value
 * (RFC 3279 §2.2.3) that WebAuthn requires for ES256: SEQUENCE { INTEGER r, INTEGER s }, in
 * DER proper (X.690 §10: definite short lengths, minimal positive integers) with nothing after
 * it, and r and s in [1, n − 1]. A high s (above n/2) is valid ECDSA and accepted:
 * authenticators do not normalise s.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_SIGNATURE for anything else.
 */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array {
  // The longest: 2 + 2 × (2 + 33) bytes; the shortest: 2 + 2 × (2 + 1).
  if (der.length < 8 || der.length > 72) {
    throw badSignature(`an ES256 signature in DER is 8 to 72 bytes, not ${der.length}`);
  }
  if (der[0] !== 0x30 || der[1] !== der.length - 2) {
    throw badSignature('not a DER SEQUENCE that spans the signature exactly');
  }
  const raw = new Uint8Array(2 * P256_SCALAR_SIZE);
  let offset = 2;
  for (const [index, name] of ['r', 's'].entries()) {
    if (der.length - offset < 2 || der[offset] !== 0x02) {
      throw badSignature(`${name} is not a DER INTEGER`);
    }
    const length = der[offset + 1]!;
    offset += 2;
    if (length === 0 || length > P256_SCALAR_SIZE + 1 || length > der.length - offset) {
      throw badSignature(`${name} has an impossible length`);
    }
    const value = der.subarray(offset, offset + length);
    offset += length;
    if (value[0]! & 0x80) {
      throw badSignature(`${name} is negative`);
    }
    if (value.length > 1 && value[0] === 0 && (value[1]! & 0x80) === 0) {
      throw badSignature(`${name} is not minimally encoded`);
    }
    const n = bigIntFromBytes(value);
    if (n === 0n || n >= P256_N) {
      throw badSignature(`${name} is outside [1, n − 1]`);
    }
    const unsigned = value[0] === 0 ? value.subarray(1) : value;
    raw.set(unsigned, (index + 1) * P256_SCALAR_SIZE - unsigned.length);
  }
  if (offset !== der.length) {
    throw badSignature('bytes follow s');
  }
  return raw;
}

// RFC 8032 §5.1.7: S must be below the order L of the base point.
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

async function importKey(key: CoseKey): Promise<CryptoKey> {
  try {
    switch (key.alg) {
      case COSE_ALG_ES256:
        return await subtle().importKey(
          'raw',
          toArrayBufferView(Uint8Array.of(0x04, ...key.x, ...key.y)),
          { name: 'ECDSA', namedCurve: 'P-256' },
          false,
          ['verify'],
        );
      case COSE_ALG_EDDSA:
        return await subtle().importKey(
          'raw',
          toArrayBufferView(key.x),
          { name: 'Ed25519' },
          false,
          ['verify'],
        );
      case COSE_ALG_RS256:
        return await subtle().importKey(
          'jwk',
          { kty: 'RSA', n: encodeBase64Url(key.n), e: encodeBase64Url(key.e) },
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
          false,
          ['verify'],
        );
    }
  } catch (cause) {
    if (cause instanceof WebAuthnError) throw cause;
    throw new WebAuthnError('WEBAUTHN_BAD_KEY', 'WebCrypto refuses the public key', { cause });
  }
}

/**
 * Checks that `signature`, in the WebAuthn format of the key's algorithm, signs `data`: DER
 * ECDSA for ES256 (see {@link ecdsaDerToRaw}), 64 bytes with S below L for EdDSA (RFC 8032
 * §5.1.7), RSASSA-PKCS1-v1_5 with SHA-256 for RS256 (RFC 8017 §8.2.2), as long as the modulus.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_SIGNATURE if the signature is malformed or does not
 *   verify; WEBAUTHN_BAD_KEY if WebCrypto refuses the key.
 */
export async function verifySignature(
  key: CoseKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  let algorithm: AlgorithmIdentifier | EcdsaParams;
  let rawSignature: Uint8Array;
  switch (key.alg) {
    case COSE_ALG_ES256:
      algorithm = { name: 'ECDSA', hash: 'SHA-256' };
      rawSignature = ecdsaDerToRaw(signature);
      break;
    case COSE_ALG_EDDSA:
      if (signature.length !== 64) {
        throw badSignature(`an EdDSA signature is 64 bytes, not ${signature.length}`);
      }
      if (bigIntFromBytes(signature.slice(32).reverse()) >= ED25519_L) {
        throw badSignature('S is not below the order L');
      }
      algorithm = { name: 'Ed25519' };
      rawSignature = signature;
      break;
    case COSE_ALG_RS256:
      if (signature.length !== key.n.length) {
        throw badSignature(
          `an RS256 signature is as long as the modulus, ${key.n.length} bytes, not ${signature.length}`,
        );
      }
      algorithm = { name: 'RSASSA-PKCS1-v1_5' };
      rawSignature = signature;
      break;
  }
  const cryptoKey = await importKey(key);
  let valid: boolean;
  try {
    valid = await subtle().verify(
      algorithm,
      cryptoKey,
      toArrayBufferView(rawSignature),
      toArrayBufferView(data),
    );
  } catch (cause) {
    throw new WebAuthnError('WEBAUTHN_BAD_SIGNATURE', 'the signature: WebCrypto refuses it', {
      cause,
    });
  }
  if (!valid) {
    throw badSignature(`it does not verify with the ${ALGORITHM_NAMES[key.alg]} key`);
  }
}
