// Point checks for the two curves of WebAuthn's ES256 and EdDSA keys, in BigInt arithmetic so
// that a key that is no point on its curve is refused when it is parsed, synchronously and the
// same way in every WebCrypto. Speed does not matter here: a key is parsed once.

/** The big-endian unsigned integer of `bytes`. */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

// SEC 2 §2.4.2 (secp256r1, which FIPS 186-4 calls P-256): y² = x³ − 3x + b over GF(p).
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
/** The order of the P-256 base point: ECDSA's r and s lie in [1, n − 1]. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Whether the affine coordinates (big-endian, 32 bytes each) are a point on P-256. */
export function isP256Point(x: Uint8Array, y: Uint8Array): boolean {
  const X = bigIntFromBytes(x);
  const Y = bigIntFromBytes(y);
  if (X >= P256_P || Y >= P256_P) return false;
  return mod(Y * Y - (X * X * X - 3n * X + P256_B), P256_P) === 0n;
}

// RFC 8032 §5.1: edwards25519, −x² + y² = 1 + d·x²·y² over GF(2²⁵⁵ − 19).
const ED25519_P = 2n ** 255n - 19n;
const ED25519_D = mod(-121665n * power(121666n, ED25519_P - 2n, ED25519_P), ED25519_P);
const SQRT_MINUS_ONE = power(2n, (ED25519_P - 1n) / 4n, ED25519_P);

/**
 * Whether 32 bytes are the canonical encoding of a point on edwards25519, by the decoding of
 * RFC 8032 §5.1.3: y below p, x² = (y² − 1)/(d·y² + 1) a square, and no sign bit for x = 0.
 */
export function isEd25519Point(encoded: Uint8Array): boolean {
  if (encoded.length !== 32) return false;
  const little = Uint8Array.from(encoded).reverse();
  const sign = little[0]! >>> 7;
  little[0]! &= 0x7f;
  const y = bigIntFromBytes(little);
  if (y >= ED25519_P) return false;
  const u = mod(y * y - 1n, ED25519_P);
  const v = mod(ED25519_D * y * y + 1n, ED25519_P);
  const v3 = (v * v * v) % ED25519_P;
  let x = (u * v3 * power(u * v3 * v3 * v, (ED25519_P - 5n) / 8n, ED25519_P)) % ED25519_P;
  const vx2 = (v * x * x) % ED25519_P;
  if (vx2 !== u) {
    if (vx2 !== mod(-u, ED25519_P)) return false;
    x = (x * SQRT_MINUS_ONE) % ED25519_P;
  }
  return !(x === 0n && sign === 1);
}
