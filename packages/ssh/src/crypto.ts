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
    const key = await crypto.importKey(
      'raw',
      toArrayBufferView(publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return await crypto.verify(
      { name: 'Ed25519' },
      key,
      toArrayBufferView(signature),
      toArrayBufferView(message),
    );
  } catch {
    return false;
  }
}
