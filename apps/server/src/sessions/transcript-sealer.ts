import {
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { encodeBase64 } from '@allmende/bytes';
import { parseAgeRecipient } from '@allmende/protocol';
import { Encrypter, Stanza, type Recipient } from 'age-encryption';
import { AppError } from '../errors.ts';

const X25519_LABEL = 'age-encryption.org/v1/X25519';
const POOL_SIZE = 64;
const POOL_LOW = 16;

/**
 * An age X25519 recipient (age spec, "The X25519 recipient type") wrapped with Node's native
 * X25519, HKDF and ChaCha20-Poly1305: the `age-encryption` package does the same in JavaScript
 * and WebCrypto at about 1 ms a recipient, too slow to seal every keystroke before it reaches
 * the shell. Shares are made ahead of time, and each wraps one file key only. The file is
 * still a standard age file that any age implementation opens.
 */
class NativeX25519Recipient implements Recipient {
  readonly #publicKey: KeyObject;
  readonly #raw: Uint8Array;
  /** Ephemeral shares made ahead of time, so that sealing a keystroke waits for none. */
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
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const { share, key } = this.#shares.pop() ?? this.#share();
    if (this.#shares.length < POOL_LOW && !this.#refilling) {
      this.#refilling = true;
      setImmediate(() => this.#refill());
    }
    const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), {
      authTagLength: 16,
    });
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
    return [new Stanza(['X25519', encodeBase64(share).replace(/=+$/, '')], body)];
  }

  /** Fills the pool between keystrokes; every share is used for one file only. */
  #refill(): void {
    while (this.#shares.length < POOL_SIZE) this.#shares.push(this.#share());
    this.#refilling = false;
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
 * session began): each piece is one age file, readable with any of their identities.
 */
export class TranscriptSealer {
  readonly recipients: readonly string[];
  readonly #encrypter = new Encrypter();

  /** @throws AppError SESSION_NO_RECIPIENTS when there is nobody to seal to. */
  constructor(recipients: readonly string[]) {
    if (recipients.length === 0) {
      throw new AppError(
        'SESSION_NO_RECIPIENTS',
        'the oversight group has no age recipient: no transcript could be sealed, so no session opens',
      );
    }
    this.recipients = recipients;
    for (const recipient of recipients) {
      this.#encrypter.addRecipient(new NativeX25519Recipient(recipient));
    }
  }

  seal(plain: Uint8Array): Promise<Uint8Array> {
    return this.#encrypter.encrypt(plain);
  }
}
