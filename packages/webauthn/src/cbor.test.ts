import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborMap, decodeCbor, decodeCborPrefix, MAX_CBOR_DEPTH, type CborValue } from './cbor.ts';
import {
  CborEntries,
  encodeCbor,
  hex,
  RawCbor,
  thrownCode,
  type CborInput,
} from './test-helpers.ts';

function decode(hexText: string): CborValue {
  return decodeCbor(hex(hexText), 'WEBAUTHN_BAD_KEY', 'the test CBOR');
}

function code(hexText: string): string {
  return thrownCode(() => decode(hexText));
}

/** Plain JavaScript for comparing decoded values: maps become arrays of entries. */
function plain(value: CborValue): unknown {
  if (value instanceof CborMap) return { map: value.entries.map(([k, v]) => [plain(k), plain(v)]) };
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

describe('CBOR decoding', () => {
  // RFC 8949 Appendix A, the examples within the accepted data model.
  it.each([
    ['00', 0],
    ['01', 1],
    ['0a', 10],
    ['17', 23],
    ['1818', 24],
    ['1819', 25],
    ['1864', 100],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['1bffffffffffffffff', 18446744073709551615n],
    ['3bffffffffffffffff', -18446744073709551616n],
    ['20', -1],
    ['29', -10],
    ['3863', -100],
    ['3903e7', -1000],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['40', new Uint8Array(0)],
    ['4401020304', Uint8Array.of(1, 2, 3, 4)],
    ['60', ''],
    ['6161', 'a'],
    ['6449455446', 'IETF'],
    ['62225c', '"\\'],
    ['62c3bc', '\u00fc'],
    ['63e6b0b4', '\u6c34'],
    ['64f0908591', '\u{10151}'],
    ['80', []],
    ['83010203', [1, 2, 3]],
    ['8301820203820405', [1, [2, 3], [4, 5]]],
    [
      '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
      Array.from({ length: 25 }, (_, i) => i + 1),
    ],
    ['a0', { map: [] }],
    [
      'a201020304',
      {
        map: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      'a26161016162820203',
      {
        map: [
          ['a', 1],
          ['b', [2, 3]],
        ],
      },
    ],
    ['826161a161626163', ['a', { map: [['b', 'c']] }]],
  ])('decodes %s', (input, expected) => {
    expect(plain(decode(input))).toEqual(expected);
  });

  it('keeps integers exact beyond 2^53 as bigint', () => {
    expect(decode('1b0020000000000000')).toBe(2n ** 53n);
    expect(decode('1b001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode('3b001ffffffffffffe')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decode('3b001fffffffffffff')).toBe(-(2n ** 53n));
  });

  it('looks map values up by integer and text label', () => {
    const map = decode('a3016161206162616301');
    expect(map).toBeInstanceOf(CborMap);
    expect((map as CborMap).get(1)).toBe('a');
    expect((map as CborMap).get(-1)).toBe('b');
    expect((map as CborMap).get('c')).toBe(1);
    expect((map as CborMap).get('1')).toBeUndefined();
  });

  it('tells where an item ends when data follows it', () => {
    expect(decodeCborPrefix(hex('ff8201020304'), 1, 'WEBAUTHN_BAD_KEY', 'x')).toEqual({
      value: [1, 2],
      end: 4,
    });
  });

  it('round-trips what the test encoder writes', () => {
    const input: fc.Arbitrary<CborInput> = fc.letrec<{ item: CborInput }>((tie) => ({
      item: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer(),
        fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
        fc.string(),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('item'), { maxLength: 4 }),
      ),
    })).item;
    fc.assert(
      fc.property(input, (value) => {
        const decoded = decode(Buffer.from(encodeCbor(value)).toString('hex'));
        const expected =
          typeof value === 'bigint' && value >= -(2n ** 53n) + 1n && value < 2n ** 53n
            ? Number(value)
            : value;
        expect(plain(decoded)).toEqual(JSON.parse(JSON.stringify(expected, replacer), reviver));
      }),
    );
  });
});

// JSON with bigints, for comparing nested values whose small bigints decode as numbers.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= -(2n ** 53n) + 1n && value < 2n ** 53n
      ? Number(value)
      : { bigint: value.toString() };
  }
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'bigint' in value) {
    return BigInt((value as { bigint: string }).bigint);
  }
  if (typeof value === 'object' && value !== null && 'bytes' in value) {
    return hex((value as { bytes: string }).bytes);
  }
  return value;
}

describe('CBOR refusals', () => {
  it.each([
    ['an indefinite-length byte string', '5f42010243030405ff'],
    ['an indefinite-length text string', '7f657374726561646d696e67ff'],
    ['an indefinite-length array', '9f018202039f0405ffff'],
    ['an indefinite-length map', 'bf61610161629f0203ffff'],
    ['a lone break', 'ff'],
    ['a reserved additional information', '1c'],
    ['a non-shortest integer (1 byte)', '1817'],
    ['a non-shortest integer (2 bytes)', '1900ff'],
    ['a non-shortest integer (4 bytes)', '1a0000ffff'],
    ['a non-shortest integer (8 bytes)', '1b00000000ffffffff'],
    ['a non-shortest negative integer', '3817'],
    ['a non-shortest length', '5801ff'],
    ['a tag', 'c11a514b67b0'],
    ['a half-precision float', 'f93c00'],
    ['a single-precision float', 'fa47c35000'],
    ['a double-precision float', 'fb3ff199999999999a'],
    ['undefined', 'f7'],
    ['an unassigned simple value', 'f0'],
    ['a two-byte simple value below 32', 'f818'],
    ['a two-byte simple value', 'f8ff'],
    ['invalid UTF-8 in a text string', '62c328'],
    ['a UTF-16 surrogate in a text string', '63eda080'],
    ['a truncated head', '19'],
    ['a truncated byte string', '4401020304'.slice(0, 8)],
    ['a length beyond the input', '5bffffffffffffffff00'],
    ['an array count beyond the input', '9bffffffffffffffff'],
    ['a map count beyond the input', 'a3010203'],
    ['trailing bytes', '0000'],
    ['an empty input', ''],
  ])('refuses %s', (_what, input) => {
    expect(code(input)).toBe('WEBAUTHN_BAD_KEY');
  });

  it('refuses duplicate map keys, whatever their type', () => {
    for (const key of [1, -1, 'a', hex('00'), [1]] as CborInput[]) {
      const bytes = encodeCbor(
        new CborEntries([
          [key, 1],
          [2, 2],
          [key, 3],
        ]),
      );
      expect(thrownCode(() => decodeCbor(bytes, 'WEBAUTHN_BAD_KEY', 'x'))).toBe('WEBAUTHN_BAD_KEY');
    }
  });

  it(`refuses nesting deeper than ${MAX_CBOR_DEPTH} levels, and accepts it up to there`, () => {
    const nested = (depth: number): Uint8Array =>
      encodeCbor(new RawCbor(Uint8Array.of(...Array<number>(depth).fill(0x81), 0x00)));
    expect(() => decodeCbor(nested(MAX_CBOR_DEPTH), 'WEBAUTHN_BAD_KEY', 'x')).not.toThrow();
    expect(thrownCode(() => decodeCbor(nested(MAX_CBOR_DEPTH + 1), 'WEBAUTHN_BAD_KEY', 'x'))).toBe(
      'WEBAUTHN_BAD_KEY',
    );
    // { 0: { 0: { 0: … } } }, deep enough to overflow the stack of a naive recursive decoder.
    const maps = new Uint8Array(200_001).map((_, i) => (i % 2 === 0 ? 0xa1 : 0x00));
    expect(thrownCode(() => decodeCbor(maps, 'WEBAUTHN_BAD_KEY', 'x'))).toBe('WEBAUTHN_BAD_KEY');
  });

  it('throws errors with the code and description it is given', () => {
    try {
      decodeCbor(hex('ff'), 'WEBAUTHN_BAD_AUTHENTICATOR_DATA', 'the extensions');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
        message: expect.stringMatching(/^the extensions: /) as unknown,
      });
      return;
    }
    expect.unreachable();
  });
});
