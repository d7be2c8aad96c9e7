import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha512 } from './sha512.ts';
import { toHex, utf8 } from './test-helpers.ts';

describe('sha512', () => {
  // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values", SHA-512).
  it.each([
    [
      '',
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    ],
    [
      'abc',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    ],
  ])('of %j is the known answer', (text, expected) => {
    expect(toHex(sha512(utf8(text)))).toBe(expected);
  });

  it('is what node:crypto computes, across every padding boundary (111, 112, 128 bytes)', () => {
    for (let length = 0; length <= 400; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(toHex(sha512(data))).toBe(createHash('sha512').update(data).digest('hex'));
    }
  });

  it('is what node:crypto computes for any bytes, in a view into a larger buffer too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(16), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(toHex(sha512(view))).toBe(createHash('sha512').update(view).digest('hex'));
      }),
    );
  });
});
