import { toArrayBufferView } from './bytes.ts';
import { SshError } from './errors.ts';

// SHA-2 digests and Ed25519 verification (RFC 8032) through WebCrypto, which Node and the
// browsers provide alike.

export type HashAlgorithm = 'sha256' | 'sha512';

const DIGESTS = { sha256: 'SHA-256', sha512: 'SHA-512' } as const satisfies Record<
  HashAlgorithm,
  string
>;

export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/**
 * How many imported public keys are kept. A cooperative's log is signed by a few keys (its
 * members' and its CA's) thousands of times each; the bound keeps a log that names a new key
 * in every signature from growing the cache without end.
 */
export const IMPORTED_KEYS_KEPT = 256;

function subtle(): SubtleCrypto {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (subtle === undefined) {
    throw new SshError('SSH_UNSUPPORTED', 'WebCrypto is unavailable (the browser needs HTTPS)');
  }
  return subtle;
}

export async function digest(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(DIGESTS[algorithm], toArrayBufferView(data)));
}

/**
 * Imported keys by their 32 bytes (as a string of char codes 0–255), least recently used
 * first. The whole key is the cache key, so a key that differs in any bit is imported anew.
 * An import that fails is not kept: the next verification with that key fails the same way.
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();

function importedKey(crypto: SubtleCrypto, publicKey: Uint8Array): Promise<CryptoKey> {
  const id = String.fromCharCode(...publicKey);
  let key = importedKeys.get(id);
  if (key !== undefined) {
    importedKeys.delete(id);
    importedKeys.set(id, key);
    return key;
  }
  key = crypto.importKey('raw', toArrayBufferView(publicKey), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  if (importedKeys.size >= IMPORTED_KEYS_KEPT) {
    importedKeys.delete(importedKeys.keys().next().value!);
  }
  importedKeys.set(id, key);
  const imported = key;
  key.catch(() => {
    if (importedKeys.get(id) === imported) importedKeys.delete(id);
  });
  return key;
}

/**
 * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. A public key
 * that is not a point on the curve makes the signature invalid, not the call fail.
 */
export async function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE || signature.length !== ED25519_SIGNATURE_SIZE) {
    return false;
  }
  const crypto = subtle();
  try {
    return await crypto.verify(
      { name: 'Ed25519' },
      await importedKey(crypto, publicKey),
      toArrayBufferView(signature),
      toArrayBufferView(message),
    );
  } catch {
    return false;
  }
}
