import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, tryDecodeBase64 } from './bytes.ts';
import { TLOG_ERROR_CODES, TlogError } from './errors.ts';
import { thrownCode, utf8 } from './test-helpers.ts';

describe('base64', () => {
  // RFC 4648 §10.
  const VECTORS = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];

  it.each(VECTORS)('encodes and decodes the RFC 4648 example %j', (text, encoded) => {
    expect(encodeBase64(utf8(text))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(utf8(text));
  });

  it('agrees with Node’s Buffer and round-trips (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = encodeBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(encoded)).toEqual(bytes);
      }),
    );
  });

  it('uses the whole alphabet', () => {
    const all = Uint8Array.from(
      { length: 48 },
      (_, i) => [0x00, 0x10, 0x83, 0x10, 0x51, 0x87][i % 6]!,
    );
    expect(decodeBase64(encodeBase64(all))).toEqual(all);
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
  });

  it('rejects everything but canonical standard base64', () => {
    const bad = [
      'Zg',
      'Zg=',
      'Zg===',
      'Z===',
      '====',
      '=Zg=',
      'Zh==',
      'Zm9=',
      'Zm8=Zm8=',
      'Zm9v\n',
      ' Zm9v',
      'Zm9 v',
      'Zm9-',
      'Zm9_',
      'Zm9v.',
      'Zm9ü',
      'Zm9\u0000',
      'Zm9\ud800',
    ];
    for (const text of bad) {
      expect(tryDecodeBase64(text), JSON.stringify(text)).toBeUndefined();
      expect(thrownCode(() => decodeBase64(text))).toBe('TLOG_BAD_ARGUMENT');
    }
    expect(thrownCode(() => decodeBase64(null as unknown as string))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => encodeBase64('abc' as unknown as Uint8Array))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
  });
});

describe('TlogError', () => {
  it('is an Error with a code, a message and a cause', () => {
    const cause = new Error('inner');
    const error = new TlogError('TLOG_BAD_PROOF', 'proof does not verify', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TlogError');
    expect(error.code).toBe('TLOG_BAD_PROOF');
    expect(error.message).toBe('proof does not verify');
    expect(error.cause).toBe(cause);
    expect(TLOG_ERROR_CODES).toContain(error.code);
  });
});
