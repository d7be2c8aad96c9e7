import { describeText } from './bytes.ts';
import { CborMap, decodeCbor, type CborValue } from './cbor.ts';
import { bigIntFromBytes, isEd25519Point, isP256Point } from './curves.ts';
import { WebAuthnError } from './errors.ts';

// Credential public keys as WebAuthn carries them (WebAuthn §6.5.1, "credentialPublicKey"):
// COSE_Key maps (RFC 9052 §7) of the three algorithms that browsers and authenticators use —
// ES256 with an EC2 key on P-256 and EdDSA with an OKP Ed25519 key (RFC 9053 §2.1, §2.2, §7)
// and RS256 with an RSA key (RFC 8812 §2, RFC 8230 §4). WebAuthn forbids optional parameters
// besides alg; should one come anyway (a kid, say), it is ignored, unless it is private.

export const COSE_ALG_ES256 = -7;
export const COSE_ALG_EDDSA = -8;
export const COSE_ALG_RS256 = -257;

export type CoseAlgorithm = typeof COSE_ALG_ES256 | typeof COSE_ALG_EDDSA | typeof COSE_ALG_RS256;

/** The longest COSE key that is read; an 8192-bit RSA key, the largest accepted, is ~1040. */
export const MAX_COSE_KEY_SIZE = 2048;

/** The sizes of RSA moduli that are accepted, in bits. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

/** A credential public key, parsed and checked. `raw` is the COSE_Key it was parsed from. */
export type CoseKey =
  | {
      readonly kty: 2;
      readonly alg: typeof COSE_ALG_ES256;
      readonly crv: 1;
      /** The affine coordinates, 32 bytes each, big-endian. */
      readonly x: Uint8Array;
      readonly y: Uint8Array;
      readonly raw: Uint8Array;
    }
  | {
      readonly kty: 1;
      readonly alg: typeof COSE_ALG_EDDSA;
      readonly crv: 6;
      /** The 32-byte Ed25519 public key (RFC 8032 §5.1.5). */
      readonly x: Uint8Array;
      readonly raw: Uint8Array;
    }
  | {
      readonly kty: 3;
      readonly alg: typeof COSE_ALG_RS256;
      /** Modulus and public exponent, big-endian without leading zero bytes. */
      readonly n: Uint8Array;
      readonly e: Uint8Array;
      readonly raw: Uint8Array;
    };

// RFC 9052 §7.1 and the IANA "COSE Key Common Parameters" and "COSE Key Type Parameters".
const LABEL_KTY = 1;
const LABEL_KID = 2;
const LABEL_ALG = 3;
const KTY_OKP = 1;
const KTY_EC2 = 2;
const KTY_RSA = 3;
const CRV_P256 = 1;
const CRV_ED25519 = 6;
/** The private parameters: d of EC2 and OKP (-4); d, p, q, dP, dQ, qInv, … of RSA (-3 … -12). */
const PRIVATE_LABELS = {
  [KTY_OKP]: [-4],
  [KTY_EC2]: [-4],
  [KTY_RSA]: [-3, -4, -5, -6, -7, -8, -9, -10, -11, -12],
};

const KEY_TYPE_OF: Record<CoseAlgorithm, number> = {
  [COSE_ALG_ES256]: KTY_EC2,
  [COSE_ALG_EDDSA]: KTY_OKP,
  [COSE_ALG_RS256]: KTY_RSA,
};
/** The names of the algorithms, for messages. */
export const ALGORITHM_NAMES: Record<CoseAlgorithm, string> = {
  [COSE_ALG_ES256]: 'ES256',
  [COSE_ALG_EDDSA]: 'EdDSA',
  [COSE_ALG_RS256]: 'RS256',
};

function badKey(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_BAD_KEY', `the COSE key: ${message}`);
}

function unsupported(message: string): WebAuthnError {
  return new WebAuthnError('WEBAUTHN_UNSUPPORTED', `the COSE key: ${message}`);
}

function describeValue(value: CborValue | undefined): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return describeText(value);
  return value instanceof Uint8Array ? 'a byte string' : 'not an integer';
}

function isCoseAlgorithm(value: CborValue | undefined): value is CoseAlgorithm {
  return value === COSE_ALG_ES256 || value === COSE_ALG_EDDSA || value === COSE_ALG_RS256;
}

function requireByteString(map: CborMap, label: number, name: string): Uint8Array {
  const value = map.get(label);
  if (value === undefined) {
    throw badKey(`the parameter ${name} (${label}) is missing`);
  }
  if (!(value instanceof Uint8Array)) {
    throw badKey(`the parameter ${name} (${label}) is not a byte string`);
  }
  return value;
}

function requireLength(bytes: Uint8Array, length: number, name: string): Uint8Array {
  if (bytes.length !== length) {
    throw badKey(`${name} is ${bytes.length} bytes, not ${length}`);
  }
  return bytes;
}

function requireCurve(map: CborMap, expected: number, name: string): void {
  const crv = map.get(-1);
  if (crv === undefined) {
    throw badKey('the curve (-1) is missing');
  }
  if (crv !== expected) {
    throw unsupported(
      `the curve ${describeValue(crv)} is not supported with this key type, only ${name} (${expected})`,
    );
  }
}

/**
 * Parses a credential public key: a COSE_Key in CBOR (WebAuthn §6.5.1, RFC 9052 §7) of one of
 * the algorithms ES256 (-7: EC2, P-256), EdDSA (-8: OKP, Ed25519) or RS256 (-257: RSA of 2048
 * to 8192 bits). The CBOR must be well-formed and in preferred serialization, with unique
 * labels and nothing after the map. The key must carry `alg`, as WebAuthn requires, and no
 * private parameters; an EC2 point must lie on P-256 (uncompressed), an Ed25519 key must be a
 * canonical point encoding, an RSA modulus odd and its public exponent odd, at least 3 and at
 * most 32 bits. Other labels, such as `kid`, are allowed and ignored.
 *
 * @throws {WebAuthnError} WEBAUTHN_BAD_KEY if the bytes are not a well-formed COSE key as
 *   above, or its key type and algorithm disagree; WEBAUTHN_UNSUPPORTED for any other key
 *   type, algorithm or curve, a compressed EC point, or an RSA key outside 2048–8192 bits.
 */
export function parseCoseKey(bytes: Uint8Array): CoseKey {
  if (!(bytes instanceof Uint8Array)) {
    throw badKey('a COSE key is a Uint8Array');
  }
  if (bytes.length > MAX_COSE_KEY_SIZE) {
    throw badKey(`longer than ${MAX_COSE_KEY_SIZE} bytes`);
  }
  const map = decodeCbor(bytes, 'WEBAUTHN_BAD_KEY', 'the COSE key');
  if (!(map instanceof CborMap)) {
    throw badKey('not a CBOR map');
  }
  for (const [label] of map.entries) {
    if (typeof label !== 'number' && typeof label !== 'string') {
      throw badKey('a label is neither an integer nor a text string');
    }
  }
  const kty = map.get(LABEL_KTY);
  const alg = map.get(LABEL_ALG);
  if (kty === undefined) {
    throw badKey('the key type (1) is missing');
  }
  if (alg === undefined) {
    // WebAuthn §6.5.1: the credential public key "MUST contain the "alg" parameter".
    throw badKey('the algorithm (3) is missing');
  }
  if (kty !== KTY_EC2 && kty !== KTY_OKP && kty !== KTY_RSA) {
    throw unsupported(`the key type ${describeValue(kty)} is not supported, only EC2, OKP and RSA`);
  }
  if (!isCoseAlgorithm(alg)) {
    throw unsupported(
      `the algorithm ${describeValue(alg)} is not supported, only ES256 (-7), EdDSA (-8) and RS256 (-257)`,
    );
  }
  if (KEY_TYPE_OF[alg] !== kty) {
    throw badKey(`the key type ${kty} does not fit the algorithm ${ALGORITHM_NAMES[alg]}`);
  }
  const kid = map.get(LABEL_KID);
  if (kid !== undefined && !(kid instanceof Uint8Array)) {
    throw badKey('the key id (2) is not a byte string');
  }
  if (PRIVATE_LABELS[kty].some((label) => map.get(label) !== undefined)) {
    throw badKey('it holds private key parameters');
  }
  const raw = bytes.slice();

  switch (alg) {
    case COSE_ALG_ES256: {
      requireCurve(map, CRV_P256, 'P-256');
      const x = requireLength(requireByteString(map, -2, 'x'), 32, 'x');
      const yValue = map.get(-3);
      if (typeof yValue === 'boolean') {
        throw unsupported('compressed points are not supported');
      }
      const y = requireLength(requireByteString(map, -3, 'y'), 32, 'y');
      if (!isP256Point(x, y)) {
        throw badKey('(x, y) is not a point on P-256');
      }
      return { kty: KTY_EC2, alg, crv: CRV_P256, x, y, raw };
    }
    case COSE_ALG_EDDSA: {
      requireCurve(map, CRV_ED25519, 'Ed25519');
      const x = requireLength(requireByteString(map, -2, 'x'), 32, 'x');
      if (!isEd25519Point(x)) {
        throw badKey('x is not the encoding of a point on Ed25519');
      }
      return { kty: KTY_OKP, alg, crv: CRV_ED25519, x, raw };
    }
    case COSE_ALG_RS256: {
      // RFC 8230 §4: n and e are unsigned big-endian, in "the minimum number of octets".
      const n = requireByteString(map, -1, 'n');
      const e = requireByteString(map, -2, 'e');
      if (n.length === 0 || n[0] === 0 || e.length === 0 || e[0] === 0) {
        throw badKey('n or e is empty or has a leading zero byte');
      }
      const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
      if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
        throw unsupported(
          `an RSA key of ${bits} bits is not supported, only ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits`,
        );
      }
      if ((n[n.length - 1]! & 1) === 0) {
        throw badKey('the RSA modulus is even');
      }
      if (e.length > 4) {
        throw unsupported('RSA public exponents above 32 bits are not supported');
      }
      const exponent = bigIntFromBytes(e);
      if (exponent < 3n || (exponent & 1n) === 0n) {
        throw badKey(`the RSA public exponent ${exponent} is not odd and at least 3`);
      }
      return { kty: KTY_RSA, alg, n, e, raw };
    }
  }
}
