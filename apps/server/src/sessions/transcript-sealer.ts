import {
  createCipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { parseAgeRecipient } from '@allmende/protocol';
import { AppError } from '../errors.ts';

const X25519_LABEL = 'age-encryption.org/v1/X25519';
/** age spec, "Payload": the plaintext is cut into chunks of 64 KiB. */
const CHUNK = 64 * 1024;
const TAG = 16;
/** Files prepared ahead: a keystroke's piece finds its header made. */
const POOL_SIZE = 64;

/** A stanza of the age header: its arguments and its body. */
type Stanza = { args: string[]; body: Uint8Array };

/** Everything of one age file but its payload: a fresh file key, wrapped and used once. */
type PreparedFile = { header: Buffer; nonce: Buffer; payloadKey: Buffer };

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
 * Seals pieces of a transcript for a fixed set of age recipients (the oversight group when the
 * session began): each piece is one standard age file (age-encryption.org/v1), readable with
 * any of their identities by the age CLI or the `age-encryption` package.
 *
 * It is written here with Node's native crypto, synchronously, rather than with
 * `age-encryption`'s Encrypter, whose ChaCha20-Poly1305 runs in JavaScript through web streams
 * and whose HKDF and HMAC wait for WebCrypto: that was most of a keystroke's sealing time and
 * held output to a few MB/s (bench/README.md).
 */
export class TranscriptSealer {
  readonly recipients: readonly string[];
  readonly #recipients: X25519Recipient[];
  readonly #prepared: PreparedFile[] = [];
  #refilling = false;

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
    this.#refillSoon();
  }

  /** One age file of `plain` (age spec, "Header" and "Payload"). */
  seal(plain: Uint8Array): Uint8Array {
    const { header, nonce, payloadKey } = this.#prepared.pop() ?? this.#prepare();
    this.#refillSoon();

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
      at = chacha20Poly1305Into(
        out,
        at,
        payloadKey,
        streamNonce,
        plain.subarray(i * CHUNK, (i + 1) * CHUNK),
      );
    }
    return out;
  }

  /**
   * Headers are made between pieces, one a turn of the event loop, so that sealing a keystroke
   * costs one cipher call: the X25519 shares, HKDFs and MAC of its file are already done.
   */
  #refillSoon(): void {
    if (this.#refilling || this.#prepared.length >= POOL_SIZE) return;
    this.#refilling = true;
    const step = () => {
      this.#prepared.push(this.#prepare());
      if (this.#prepared.length < POOL_SIZE) setImmediate(step).unref();
      else this.#refilling = false;
    };
    setImmediate(step).unref();
  }

  /** The header of a new age file for the recipients, and the key and nonce of its payload. */
  #prepare(): PreparedFile {
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
    return { header, nonce, payloadKey };
  }
}

/**
 * Seals `plain` into `out` at `at` (ciphertext, then tag) and returns where it ends: a 64 KiB
 * piece is copied once, not gathered into a buffer of its own first (fewer collections of the
 * server's heap while output streams, bench/README.md).
 */
function chacha20Poly1305Into(
  out: Buffer,
  at: number,
  key: Uint8Array,
  nonce: Uint8Array,
  plain: Uint8Array,
): number {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
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
