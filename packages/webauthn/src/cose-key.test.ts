import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCoseKey, type CoseKey } from './index.ts';
import {
  CborEntries,
  encodeCbor,
  flipBit,
  fromBase64Url,
  generateTestKey,
  hex,
  RawCbor,
  thrownCode,
  toHex,
  type CborInput,
} from './test-helpers.ts';

// RFC 9052 Appendix C.7.1: the P-256 key of meriadoc.brandybuck@buckland.example.
const P256_X = hex('65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d');
const P256_Y = hex('1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c');
// RFC 8032 §7.1, TEST 1: an Ed25519 public key.
const ED25519_X = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');

function key(entries: [CborInput, CborInput][]): Uint8Array {
  return encodeCbor(new CborEntries(entries));
}

const ES256_ENTRIES: [CborInput, CborInput][] = [
  [1, 2],
  [3, -7],
  [-1, 1],
  [-2, P256_X],
  [-3, P256_Y],
];
const EDDSA_ENTRIES: [CborInput, CborInput][] = [
  [1, 1],
  [3, -8],
  [-1, 6],
  [-2, ED25519_X],
];

function withEntry(
  entries: [CborInput, CborInput][],
  label: CborInput,
  value: CborInput | undefined,
): Uint8Array {
  const others = entries.filter(([l]) => l !== label);
  return key(value === undefined ? others : [...others, [label, value]]);
}

const rsa = generateTestKey('RS256');
const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
const RSA_N = fromBase64Url(rsaJwk.n!);
const RSA_ENTRIES: [CborInput, CborInput][] = [
  [1, 3],
  [3, -257],
  [-1, RSA_N],
  [-2, hex('010001')],
];

describe('COSE keys', () => {
  it('parse an ES256 key (RFC 9052 C.7.1) byte for byte', () => {
    const bytes = key(ES256_ENTRIES);
    expect(toHex(bytes)).toBe('a5010203262001215820' + toHex(P256_X) + '225820' + toHex(P256_Y));
    expect(parseCoseKey(bytes)).toEqual({
      kty: 2,
      alg: -7,
      crv: 1,
      x: P256_X,
      y: P256_Y,
      raw: bytes,
    } satisfies CoseKey);
  });

  it('parse an EdDSA key (RFC 8032 TEST 1)', () => {
    const bytes = key(EDDSA_ENTRIES);
    expect(toHex(bytes)).toBe('a4010103272006215820' + toHex(ED25519_X));
    expect(parseCoseKey(bytes)).toEqual({ kty: 1, alg: -8, crv: 6, x: ED25519_X, raw: bytes });
  });

  it('parse an RS256 key', () => {
    const bytes = key(RSA_ENTRIES);
    expect(parseCoseKey(bytes)).toEqual({
      kty: 3,
      alg: -257,
      n: RSA_N,
      e: hex('010001'),
      raw: bytes,
    });
  });

  it('parse keys that node:crypto generates, in any label order and with a key id', () => {
    for (const algorithm of ['ES256', 'EdDSA', 'RS256'] as const) {
      for (let i = 0; i < 5; i++) {
        const { cose, publicKey } = generateTestKey(algorithm);
        const parsed = parseCoseKey(cose);
        const jwk = publicKey.export({ format: 'jwk' });
        if (parsed.kty === 3) {
          expect(parsed.n).toEqual(fromBase64Url(jwk.n!));
        } else {
          expect(parsed.x).toEqual(fromBase64Url(jwk.x!));
        }
      }
    }
    const reordered = key([
      [-2, P256_X],
      [2, hex('6b6964')],
      [-3, P256_Y],
      [-1, 1],
      [3, -7],
      [1, 2],
      ['note', 'ignored'],
    ]);
    expect(parseCoseKey(reordered)).toMatchObject({ alg: -7, x: P256_X, y: P256_Y });
  });

  it('keep their own copy of the bytes', () => {
    const bytes = key(ES256_ENTRIES);
    const parsed = parseCoseKey(bytes);
    bytes.fill(0);
    expect(parsed.raw[0]).toBe(0xa5);
  });
});

describe('COSE key refusals', () => {
  it.each<[string, Uint8Array, string]>([
    ['a key without kty', withEntry(ES256_ENTRIES, 1, undefined), 'WEBAUTHN_BAD_KEY'],
    [
      'a key without alg (WebAuthn §6.5.1)',
      withEntry(ES256_ENTRIES, 3, undefined),
      'WEBAUTHN_BAD_KEY',
    ],
    ['a symmetric key', withEntry(ES256_ENTRIES, 1, 4), 'WEBAUTHN_UNSUPPORTED'],
    ['a kty in text', withEntry(ES256_ENTRIES, 1, 'EC2'), 'WEBAUTHN_UNSUPPORTED'],
    ['ES384', withEntry(ES256_ENTRIES, 3, -35), 'WEBAUTHN_UNSUPPORTED'],
    ['PS256', withEntry(RSA_ENTRIES, 3, -37), 'WEBAUTHN_UNSUPPORTED'],
    ['an alg in text', withEntry(ES256_ENTRIES, 3, 'ES256'), 'WEBAUTHN_UNSUPPORTED'],
    ['P-384 with ES256', withEntry(ES256_ENTRIES, -1, 2), 'WEBAUTHN_UNSUPPORTED'],
    ['X25519 with EdDSA', withEntry(EDDSA_ENTRIES, -1, 4), 'WEBAUTHN_UNSUPPORTED'],
    ['Ed448', withEntry(EDDSA_ENTRIES, -1, 7), 'WEBAUTHN_UNSUPPORTED'],
    ['an EC2 key without crv', withEntry(ES256_ENTRIES, -1, undefined), 'WEBAUTHN_BAD_KEY'],
    ['an EC2 key that says EdDSA', withEntry(ES256_ENTRIES, 3, -8), 'WEBAUTHN_BAD_KEY'],
    ['an OKP key that says ES256', withEntry(EDDSA_ENTRIES, 3, -7), 'WEBAUTHN_BAD_KEY'],
    ['an RSA key that says ES256', withEntry(RSA_ENTRIES, 3, -7), 'WEBAUTHN_BAD_KEY'],
    ['x of 31 bytes', withEntry(ES256_ENTRIES, -2, P256_X.subarray(1)), 'WEBAUTHN_BAD_KEY'],
    [
      'x of 33 bytes',
      withEntry(ES256_ENTRIES, -2, Uint8Array.of(0, ...P256_X)),
      'WEBAUTHN_BAD_KEY',
    ],
    ['x as an integer', withEntry(ES256_ENTRIES, -2, 5), 'WEBAUTHN_BAD_KEY'],
    ['a missing y', withEntry(ES256_ENTRIES, -3, undefined), 'WEBAUTHN_BAD_KEY'],
    ['a compressed point', withEntry(ES256_ENTRIES, -3, true), 'WEBAUTHN_UNSUPPORTED'],
    ['a point off P-256', withEntry(ES256_ENTRIES, -3, flipBit(P256_Y, 255)), 'WEBAUTHN_BAD_KEY'],
    [
      'a coordinate of p or more',
      withEntry(ES256_ENTRIES, -2, new Uint8Array(32).fill(0xff)),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an EC2 private key',
      withEntry(ES256_ENTRIES, -4, new Uint8Array(32).fill(1)),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an OKP private key',
      withEntry(EDDSA_ENTRIES, -4, new Uint8Array(32).fill(1)),
      'WEBAUTHN_BAD_KEY',
    ],
    ['an RSA private key', withEntry(RSA_ENTRIES, -3, RSA_N), 'WEBAUTHN_BAD_KEY'],
    [
      'an Ed25519 y without x (y = 2)',
      withEntry(EDDSA_ENTRIES, -2, Uint8Array.of(2, ...new Uint8Array(31))),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an Ed25519 x = 0 with the sign bit',
      withEntry(EDDSA_ENTRIES, -2, Uint8Array.of(1, ...new Uint8Array(30), 0x80)),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'a non-canonical Ed25519 y (y = p)',
      withEntry(EDDSA_ENTRIES, -2, Uint8Array.of(0xed, ...new Uint8Array(30).fill(0xff), 0x7f)),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an Ed25519 key of 31 bytes',
      withEntry(EDDSA_ENTRIES, -2, ED25519_X.subarray(1)),
      'WEBAUTHN_BAD_KEY',
    ],
    ['an RSA key of 1024 bits', generateTestKey('RS256', 1024).cose, 'WEBAUTHN_UNSUPPORTED'],
    [
      'an RSA key of 2040 bits',
      withEntry(RSA_ENTRIES, -1, Uint8Array.of(0xff, ...RSA_N.subarray(2))),
      'WEBAUTHN_UNSUPPORTED',
    ],
    [
      'an RSA key of 8200 bits',
      withEntry(RSA_ENTRIES, -1, Uint8Array.of(1, ...new Uint8Array(1024).fill(0xff))),
      'WEBAUTHN_UNSUPPORTED',
    ],
    [
      'an RSA modulus with a leading zero',
      withEntry(RSA_ENTRIES, -1, Uint8Array.of(0, ...RSA_N)),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an even RSA modulus',
      withEntry(RSA_ENTRIES, -1, flipBit(RSA_N, RSA_N.length * 8 - 1)),
      'WEBAUTHN_BAD_KEY',
    ],
    ['an RSA exponent of 1', withEntry(RSA_ENTRIES, -2, hex('01')), 'WEBAUTHN_BAD_KEY'],
    ['an even RSA exponent', withEntry(RSA_ENTRIES, -2, hex('010000')), 'WEBAUTHN_BAD_KEY'],
    [
      'an RSA exponent with a leading zero',
      withEntry(RSA_ENTRIES, -2, hex('00010001')),
      'WEBAUTHN_BAD_KEY',
    ],
    [
      'an RSA exponent above 32 bits',
      withEntry(RSA_ENTRIES, -2, hex('0100000001')),
      'WEBAUTHN_UNSUPPORTED',
    ],
    ['an RSA key without e', withEntry(RSA_ENTRIES, -2, undefined), 'WEBAUTHN_BAD_KEY'],
    ['a key id that is not a byte string', withEntry(ES256_ENTRIES, 2, 'kid'), 'WEBAUTHN_BAD_KEY'],
    ['a label that is a byte string', withEntry(ES256_ENTRIES, hex('01'), 1), 'WEBAUTHN_BAD_KEY'],
    ['a duplicate label', key([...ES256_ENTRIES, [3, -7]]), 'WEBAUTHN_BAD_KEY'],
    [
      'an indefinite-length map',
      encodeCbor(new RawCbor(Uint8Array.of(0xbf, ...key(ES256_ENTRIES).subarray(1), 0xff))),
      'WEBAUTHN_BAD_KEY',
    ],
    ['trailing bytes', Uint8Array.of(...key(ES256_ENTRIES), 0), 'WEBAUTHN_BAD_KEY'],
    ['a truncated key', key(ES256_ENTRIES).subarray(0, 70), 'WEBAUTHN_BAD_KEY'],
    ['an array', encodeCbor([1, 2]), 'WEBAUTHN_BAD_KEY'],
    ['an empty input', new Uint8Array(0), 'WEBAUTHN_BAD_KEY'],
    [
      'deep nesting',
      withEntry(ES256_ENTRIES, 4, new RawCbor(Uint8Array.of(...new Uint8Array(40).fill(0x81), 0))),
      'WEBAUTHN_BAD_KEY',
    ],
    ['more than 2048 bytes', withEntry(ES256_ENTRIES, 2, new Uint8Array(2048)), 'WEBAUTHN_BAD_KEY'],
  ])('refuse %s', (_what, bytes, code) => {
    expect(thrownCode(() => parseCoseKey(bytes))).toBe(code);
  });

  it('refuse what is not a Uint8Array', () => {
    for (const value of [undefined, null, 'a5', [0xa5], new ArrayBuffer(4), {}]) {
      expect(thrownCode(() => parseCoseKey(value as Uint8Array))).toBe('WEBAUTHN_BAD_KEY');
    }
  });

  it('agree with node:crypto on which P-256 coordinates are points', () => {
    fc.assert(
      fc.property(fc.nat(511), fc.boolean(), (bit, onX) => {
        const x = onX ? flipBit(P256_X, bit % 256) : P256_X;
        const y = onX ? P256_Y : flipBit(P256_Y, bit % 256);
        let nodeAccepts = true;
        try {
          createPublicKey({
            key: {
              kty: 'EC',
              crv: 'P-256',
              x: Buffer.from(x).toString('base64url'),
              y: Buffer.from(y).toString('base64url'),
            },
            format: 'jwk',
          });
        } catch {
          nodeAccepts = false;
        }
        const code = thrownCode(() =>
          parseCoseKey(withEntry(withEntryList(ES256_ENTRIES, -2, x), -3, y)),
        );
        expect(code).toBe(nodeAccepts ? 'no error' : 'WEBAUTHN_BAD_KEY');
      }),
      { numRuns: 200 },
    );
  });
});

function withEntryList(
  entries: [CborInput, CborInput][],
  label: CborInput,
  value: CborInput,
): [CborInput, CborInput][] {
  return [...entries.filter(([l]) => l !== label), [label, value]];
}
