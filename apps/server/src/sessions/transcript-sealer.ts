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
const POOL_SIZE = 64;
/** Shares made per turn of the event loop while the pool refills: a keystroke waits for one at most. */
const REFILL_STEP = 1;

/** A stanza of the age header: its arguments and its body. */
type Stanza = { args: string[]; body: Uint8Array };

/**
 * An age X25519 recipient (age spec, "The X25519 recipient type") wrapped with Node's native
 * X25519, HKDF and ChaCha20-Poly1305. Ephemeral shares are made ahead of time, a few at a time
 * between pieces, so that sealing a keystroke waits for none; each share wraps one file key.
 */
class X25519Recipient {
  readonly #publicKey: KeyObject;
  readonly #raw: Uint8Array;
  readonly #shares: { share: Buffer; key: Buffer }[] = [];
  #refilling = false;

  constructor(recipient: string) {
    const raw = parseAgeRecipient(recipient);
    if (!raw) throw new AppError('SESSION_NO_RECIPIENTS', `not an age recipient: ${recipient}`);
    this.#raw = raw;
    this.#publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
    this.#refill();
  }

  wrapFileKey(fileKey: Uint8Array): Stanza {
    const { share, key } = this.#shares.pop() ?? this.#share();
    if (!this.#refilling) {
      this.#refilling = true;
      setImmediate(() => this.#refill());
    }
    // age spec: the wrap key is used once, so the nonce is all zeros.
    const body = chacha20Poly1305(key, Buffer.alloc(12), fileKey);
    return { args: ['X25519', base64NoPad(share)], body };
  }

  #refill(): void {
    for (let i = 0; i < REFILL_STEP && this.#shares.length < POOL_SIZE; i++) {
      this.#shares.push(this.#share());
    }
    if (this.#shares.length < POOL_SIZE) setImmediate(() => this.#refill());
    else this.#refilling = false;
  }

  /** A fresh ephemeral share and the key it wraps a file key with. */
  #share(): { share: Buffer; key: Buffer } {
    const ephemeral = generateKeyPairSync('x25519');
    const share = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: this.#publicKey });
    // The spec's check against low-order points: an all-zero shared secret is an error.
    if (secret.every((b) => b === 0)) throw new AppError('INTERNAL', 'X25519 gave a zero secret');
    const salt = Buffer.concat([share, this.#raw]);
    return { share, key: Buffer.from(hkdfSync('sha256', secret, salt, X25519_LABEL, 32)) };
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

  /** One age file of `plain` (age spec, "Header" and "Payload"). */
  seal(plain: Uint8Array): Uint8Array {
    const fileKey = randomBytes(16);
    const stanzas = this.#recipients.map((r) => r.wrapFileKey(fileKey));
    const lines = ['age-encryption.org/v1\n'];
    for (const stanza of stanzas) {
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
      const sealed = chacha20Poly1305(
        payloadKey,
        streamNonce,
        plain.subarray(i * CHUNK, (i + 1) * CHUNK),
      );
      out.set(sealed, at);
      at += sealed.length;
    }
    return out;
  }
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
