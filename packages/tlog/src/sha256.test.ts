import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 as resolved } from '#sha256';
import { sha256 as nodeSha256 } from './sha256-node.ts';
import { sha256 as pureSha256 } from './sha256-pure.ts';
import { toHex, utf8 } from './test-helpers.ts';

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
const VECTORS: [string, Uint8Array, string][] = [
  ['empty', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', utf8('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    '448 bits',
    utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  [
    '896 bits',
    utf8(
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    ),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  ],
  [
    'a million a',
    new Uint8Array(1_000_000).fill(0x61),
    'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
  ],
  [
    'one 0xbd byte',
    new Uint8Array([0xbd]),
    '68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b',
  ],
  [
    '55 zero bytes',
    new Uint8Array(55),
    '02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7',
  ],
  [
    '56 zero bytes',
    new Uint8Array(56),
    'd4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb',
  ],
  [
    '57 zero bytes',
    new Uint8Array(57),
    '65a16cb7861335d5ace3c60718b5052e44660726da4cd13bb745381b235a1785',
  ],
  [
    '64 zero bytes',
    new Uint8Array(64),
    'f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b',
  ],
];

describe.each([
  ['node:crypto', nodeSha256],
  ['pure', pureSha256],
])('sha256 (%s)', (_name, sha256) => {
  it.each(VECTORS)('hashes the FIPS 180-4 example: %s', (_label, input, digest) => {
    expect(toHex(sha256(input))).toBe(digest);
  });

  it('returns a plain 32-byte Uint8Array', () => {
    const digest = sha256(utf8('abc'));
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(digest)).toBe(false);
    expect(digest.length).toBe(32);
  });

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const buffer = utf8('xxabcxx');
    expect(toHex(sha256(buffer.subarray(2, 5)))).toBe(VECTORS[1]![2]);
  });
});

describe('sha256 implementations', () => {
  it('resolve #sha256 to node:crypto in Node', () => {
    expect(resolved).toBe(nodeSha256);
  });

  it('agree on every length around the block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const input = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(toHex(pureSha256(input))).toBe(toHex(nodeSha256(input)));
    }
  });

  it('agree on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        expect(toHex(pureSha256(input))).toBe(toHex(nodeSha256(input)));
      }),
    );
  });
});
