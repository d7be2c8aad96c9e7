import {
  createCipheriv,
  createHmac,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type CipherChaCha20Poly1305,
  type CipherGCM,
  type KeyObject,
} from 'node:crypto';
import {
  parseAgeRecipient,
  SEGMENT_NONCE_BYTES,
  segmentAad,
  TRANSCRIPT_KEY_BYTES,
  TRANSCRIPT_V2,
} from '@allmende/protocol';
import { AppError } from '../errors.ts';

const X25519_LABEL = 'age-encryption.org/v1/X25519';
/** age spec, "Payload": the plaintext is cut into chunks of 64 KiB. */
const CHUNK = 64 * 1024;
const TAG = 16;
const NONCES_PER_DRAW = 256;
/** The space segments are sealed into grows from a keystroke's to an output stream's needs. */
const SPACE_MIN = 16 * 1024;
const SPACE_MAX = 1024 * 1024;

/** A stanza of the age header: its arguments and its body. */
type Stanza = { args: string[]; body: Uint8Array };

/** An age X25519 recipient (age spec, "The X25519 recipient type") with Node's native crypto. */
class X25519Recipient {
  readonly #publicKey: KeyObject;
  readonly #raw: Uint8Array;

  constructor(recipient: string) {
    const raw = parseAgeRecipient(recipient);
    if (!raw) throw new AppError('SESSION_NO_RECIPIENTS', `not an age recipient: ${recipient}`);
    this.#raw = raw;
    this.#publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
  }

  /** Wraps a file key with a fresh ephemeral share. */
  wrapFileKey(fileKey: Uint8Array): Stanza {
    const ephemeral = generateKeyPairSync('x25519');
    const share = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: this.#publicKey });
    // The spec's check against low-order points: an all-zero shared secret is an error.
    if (secret.every((b) => b === 0)) throw new AppError('INTERNAL', 'X25519 gave a zero secret');
    const salt = Buffer.concat([share, this.#raw]);
    const key = Buffer.from(hkdfSync('sha256', secret, salt, X25519_LABEL, 32));
    // age spec: the wrap key is used once, so the nonce is all zeros.
    const body = chacha20Poly1305(key, Buffer.alloc(12), fileKey);
    return { args: ['X25519', base64NoPad(share)], body };
  }
}

/**
 * Seals a session's transcript for a fixed set of age recipients (the oversight group when the
 * session began), in the format described in @allmende/protocol (session.ts): the first piece
 * is a standard age file (age-encryption.org/v1) holding a fresh transcript key, every later
 * piece one AES-256-GCM call under that key — a keystroke costs one cipher call.
 *
 * It is written with Node's native crypto, synchronously, rather than with `age-encryption`'s
 * Encrypter, whose ChaCha20-Poly1305 runs in JavaScript through web streams and whose HKDF and
 * HMAC wait for WebCrypto (bench/README.md).
 */
export class TranscriptSealer {
  readonly recipients: readonly string[];
  readonly #recipients: X25519Recipient[];
  readonly #key = randomBytes(TRANSCRIPT_KEY_BYTES);
  /** The key as a KeyObject: a cipher made from one skips the import of raw bytes (12 µs). */
  readonly #cipherKey = createSecretKey(this.#key);
  /** Nonces are cut from one random draw of 256: a draw costs about 6 µs however small it is. */
  #nonces = Buffer.alloc(0);
  /**
   * Segments are sealed into one buffer that is used again after `recycle()`, rather than each
   * into a new one: a big buffer that becomes garbage every 64 KiB brought on a full collection
   * of the server's heap every few MB of output (bench/README.md).
   */
  #space = Buffer.alloc(0);
  #spaceUsed = 0;

  /** @throws AppError SESSION_NO_RECIPIENTS when there is nobody to seal to. */
  constructor(recipients: readonly string[]) {
    if (recipients.length === 0) {
      throw new AppError(
        'SESSION_NO_RECIPIENTS',
        'the oversight group has no age recipient: no transcript could be sealed, so no session opens',
      );
    }
    this.recipients = recipients;
    this.#recipients = recipients.map((r) => new X25519Recipient(r));
  }

  /**
   * Piece `index` of the transcript, holding the records `plain`. A later piece is a view into
   * the sealer's space: it stays as it is until `recycle()`.
   */
  seal(plain: Uint8Array, index: number): Uint8Array {
    if (index === 0) {
      const v2 = Buffer.from(TRANSCRIPT_V2, 'latin1');
      return this.#ageFile(Buffer.concat([v2, this.#key, plain]));
    }
    const aad = segmentAad(index);
    if (this.#nonces.length < SEGMENT_NONCE_BYTES) {
      this.#nonces = randomBytes(SEGMENT_NONCE_BYTES * NONCES_PER_DRAW);
    }
    const nonce = this.#nonces.subarray(0, SEGMENT_NONCE_BYTES);
    this.#nonces = this.#nonces.subarray(SEGMENT_NONCE_BYTES);
    const out = this.#take(SEGMENT_NONCE_BYTES + plain.length + TAG);
    nonce.copy(out, 0);
    const cipher = createCipheriv('aes-256-gcm', this.#cipherKey, nonce, { authTagLength: TAG });
    cipher.setAAD(aad, { plaintextLength: plain.length });
    sealInto(cipher, out, SEGMENT_NONCE_BYTES, plain);
    return out;
  }

  /** The pieces sealed so far are stored and hashed: their space may be used again. */
  recycle(): void {
    this.#spaceUsed = 0;
  }

  #take(bytes: number): Buffer {
    if (this.#spaceUsed + bytes > this.#space.length) {
      // The pieces in the old space keep it alive until they are stored.
      const size = Math.max(bytes, SPACE_MIN, Math.min(SPACE_MAX, 2 * this.#space.length));
      this.#space = Buffer.allocUnsafe(size);
      this.#spaceUsed = 0;
    }
    const out = this.#space.subarray(this.#spaceUsed, this.#spaceUsed + bytes);
    this.#spaceUsed += bytes;
    return out;
  }

  /** One age file of `plain` (age spec, "Header" and "Payload"), with a fresh file key. */
  #ageFile(plain: Uint8Array): Buffer {
    const fileKey = randomBytes(16);
    const lines = ['age-encryption.org/v1\n'];
    for (const stanza of this.#recipients.map((r) => r.wrapFileKey(fileKey))) {
      lines.push(`-> ${stanza.args.join(' ')}\n`);
      // The body in lines of 64 columns (48 bytes); a full last line is followed by an empty one.
      for (let i = 0; i < stanza.body.length; i += 48) {
        lines.push(`${base64NoPad(stanza.body.subarray(i, i + 48))}\n`);
      }
      if (stanza.body.length % 48 === 0) lines.push('\n');
    }
    lines.push('---');
    const headerNoMac = Buffer.from(lines.join(''), 'latin1');
    const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
    const mac = createHmac('sha256', macKey).update(headerNoMac).digest();
    const header = Buffer.concat([headerNoMac, Buffer.from(` ${base64NoPad(mac)}\n`, 'latin1')]);
    const nonce = randomBytes(16);
    const payloadKey = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));

    // STREAM: chunk i has nonce i (11 bytes, big-endian) ‖ last flag; only the plaintext of an
    // empty file ends in an empty chunk.
    const chunks = Math.max(1, Math.ceil(plain.length / CHUNK));
    const out = Buffer.allocUnsafe(header.length + 16 + plain.length + chunks * TAG);
    header.copy(out, 0);
    nonce.copy(out, header.length);
    let at = header.length + 16;
    const streamNonce = Buffer.alloc(12);
    for (let i = 0; i < chunks; i++) {
      streamNonce.writeUIntBE(i, 5, 6);
      streamNonce[11] = i === chunks - 1 ? 1 : 0;
      const cipher = createCipheriv('chacha20-poly1305', payloadKey, streamNonce, {
        authTagLength: TAG,
      });
      at = sealInto(cipher, out, at, plain.subarray(i * CHUNK, (i + 1) * CHUNK));
    }
    return out;
  }
}

/**
 * Seals `plain` into `out` at `at` (ciphertext, then tag) and returns where it ends: a 64 KiB
 * piece is copied once, not gathered into a buffer of its own first (fewer collections of the
 * server's heap while output streams, bench/README.md).
 */
function sealInto(
  cipher: CipherGCM | CipherChaCha20Poly1305,
  out: Buffer,
  at: number,
  plain: Uint8Array,
): number {
  let end = at + cipher.update(plain).copy(out, at);
  end += cipher.final().copy(out, end);
  return end + cipher.getAuthTag().copy(out, end);
}

function chacha20Poly1305(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function base64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/=+$/, '');
}
