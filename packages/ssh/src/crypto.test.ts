import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IMPORTED_KEYS_KEPT, verifyEd25519 } from './crypto.ts';
import { flipBit, utf8 } from './test-helpers.ts';

// verifyEd25519 keeps imported keys; a verification with a kept key must be exactly the one
// with a fresh import, whatever was verified before it. node:crypto makes the signatures.

function keyPair(): { publicKey: Uint8Array; sign: (message: Uint8Array) => Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

const MESSAGE = utf8('access.approved: root on db1 for ada\n');

describe('verifyEd25519 with kept keys', () => {
  it('accepts a valid signature and refuses a tampered one, on every use of the key', async () => {
    const ada = keyPair();
    const signature = ada.sign(MESSAGE);
    for (let use = 0; use < 3; use++) {
      expect(await verifyEd25519(ada.publicKey, MESSAGE, signature)).toBe(true);
      expect(await verifyEd25519(ada.publicKey, MESSAGE, flipBit(signature, 100))).toBe(false);
      expect(await verifyEd25519(ada.publicKey, flipBit(MESSAGE, 3), signature)).toBe(false);
    }
  });

  it('does not take a key that differs in one bit for the kept one', async () => {
    const ada = keyPair();
    const signature = ada.sign(MESSAGE);
    expect(await verifyEd25519(ada.publicKey, MESSAGE, signature)).toBe(true);
    for (const bit of [0, 7, 100, 254]) {
      expect(await verifyEd25519(flipBit(ada.publicKey, bit), MESSAGE, signature)).toBe(false);
    }
    // The changed keys, now kept too, did not take the place of the original.
    expect(await verifyEd25519(ada.publicKey, MESSAGE, signature)).toBe(true);
  });

  it('does not confuse a key with one whose bytes were changed in place after it was used', async () => {
    const ada = keyPair();
    const bob = keyPair();
    const key = ada.publicKey.slice();
    expect(await verifyEd25519(key, MESSAGE, ada.sign(MESSAGE))).toBe(true);
    key.set(bob.publicKey);
    expect(await verifyEd25519(key, MESSAGE, ada.sign(MESSAGE))).toBe(false);
    expect(await verifyEd25519(key, MESSAGE, bob.sign(MESSAGE))).toBe(true);
  });

  it('refuses every time with a key that is not a point on the curve', async () => {
    // y = 2²⁵⁵ − 1 is not below p = 2²⁵⁵ − 19 (RFC 8032 §5.1.3: decoding fails).
    const notAPoint = new Uint8Array(32).fill(0xff).fill(0x7f, 31);
    const ada = keyPair();
    for (let use = 0; use < 2; use++) {
      expect(await verifyEd25519(notAPoint, MESSAGE, ada.sign(MESSAGE))).toBe(false);
    }
  });

  it('verifies alike with more keys than are kept, and with concurrent uses of one key', async () => {
    const pairs = Array.from({ length: IMPORTED_KEYS_KEPT + 8 }, () => keyPair());
    const signatures = pairs.map((pair) => pair.sign(MESSAGE));
    for (let round = 0; round < 2; round++) {
      const verdicts = await Promise.all(
        pairs.map((pair, i) => verifyEd25519(pair.publicKey, MESSAGE, signatures[i]!)),
      );
      expect(verdicts.every(Boolean)).toBe(true);
    }
    const [first, second] = pairs as [(typeof pairs)[0], (typeof pairs)[0]];
    const crossed = await Promise.all([
      verifyEd25519(first.publicKey, MESSAGE, signatures[1]!),
      verifyEd25519(second.publicKey, MESSAGE, signatures[0]!),
      verifyEd25519(first.publicKey, MESSAGE, signatures[0]!),
      verifyEd25519(first.publicKey, MESSAGE, signatures[0]!),
    ]);
    expect(crossed).toEqual([false, false, true, true]);
  });
});
