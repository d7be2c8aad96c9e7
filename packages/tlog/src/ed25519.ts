import { concatBytes, toArrayBufferView, tryDecodeBase64 } from './bytes.ts';
import { TlogError } from './errors.ts';

// Ed25519 (RFC 8032) through WebCrypto, which Node and the browsers provide alike.

export const ED25519_SEED_SIZE = 32;
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

const ED25519 = { name: 'Ed25519' } as const;

// RFC 8410 §7: PrivateKeyInfo { version 0, AlgorithmIdentifier id-Ed25519, OCTET STRING {
// OCTET STRING seed } }, everything before the 32-byte seed.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function subtle(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (subtle === undefined) {
    throw new TlogError('TLOG_BAD_KEY', 'WebCrypto is unavailable (the browser needs HTTPS)');
  }
  return subtle;
}

/** A private key ready to sign, with its public key. */
export type Ed25519KeyPair = { privateKey: CryptoKey; publicKey: Uint8Array };

/** Imports an Ed25519 private key from its 32-byte seed and derives the public key. */
export async function importSeed(seed: Uint8Array): Promise<Ed25519KeyPair> {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 seed is 32 bytes');
  }
  const pkcs8 = toArrayBufferView(concatBytes(PKCS8_PREFIX, seed));
  let privateKey: CryptoKey;
  let jwk: JsonWebKey;
  try {
    // WebCrypto derives the public key only on export (the JWK's `x`), which needs an
    // extractable key; the key that is kept for signing is not extractable.
    const extractable = await subtle().importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
    jwk = await subtle().exportKey('jwk', extractable);
    privateKey = await subtle().importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  } catch (cause) {
    throw new TlogError('TLOG_BAD_KEY', 'cannot import the Ed25519 seed', { cause });
  }
  const publicKey = typeof jwk.x === 'string' ? decodeBase64Url(jwk.x) : undefined;
  if (publicKey?.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'WebCrypto did not return the Ed25519 public key');
  }
  return { privateKey, publicKey };
}

function decodeBase64Url(text: string): Uint8Array | undefined {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  return tryDecodeBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
}

/**
 * The Ed25519 public key of a 32-byte private key seed (RFC 8032 §5.1.5).
 *
 * @throws {TlogError} TLOG_BAD_KEY if `seed` is not 32 bytes or WebCrypto is unavailable.
 */
export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  return (await importSeed(seed)).publicKey;
}

export async function signEd25519(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(ED25519, privateKey, toArrayBufferView(message)));
}

/** A verify function for a public key; it imports the key once, on first use. */
export function ed25519Verifier(
  publicKey: Uint8Array,
): (message: Uint8Array, signature: Uint8Array) => Promise<boolean> {
  const raw = toArrayBufferView(publicKey);
  let key: Promise<CryptoKey | undefined> | undefined;
  return async (message, signature) => {
    key ??= subtle()
      .importKey('raw', raw, ED25519, false, ['verify'])
      .catch(() => undefined);
    const imported = await key;
    if (imported === undefined || signature.length !== ED25519_SIGNATURE_SIZE) {
      return false;
    }
    try {
      return await subtle().verify(
        ED25519,
        imported,
        toArrayBufferView(signature),
        toArrayBufferView(message),
      );
    } catch {
      return false;
    }
  };
}
