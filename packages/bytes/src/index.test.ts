import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  concatBytes,
  encodeBase64,
  encodeHex,
  encodeUtf8,
  tryDecodeBase64,
  tryDecodeHex,
  tryDecodeUtf8,
} from './index.ts';

describe('byte helpers', () => {
  it('encode base64 as RFC 4648 §10 does, and decode only the canonical form', () => {
    const vectors = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    const expected = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    expect(vectors.map((v) => encodeBase64(encodeUtf8(v)))).toEqual(expected);
    for (const bad of ['Zg', 'Zh==', 'Zm9v\n', 'Zm-v', 'Z===', '=Zm9']) {
      expect(tryDecodeBase64(bad)).toBeUndefined();
    }
  });

  it('round-trip any bytes, as Node encodes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(tryDecodeBase64(encodeBase64(bytes))).toEqual(bytes);
        expect(tryDecodeHex(encodeHex(bytes))).toEqual(bytes);
        expect(bytesEqual(concatBytes(bytes, bytes).subarray(bytes.length), bytes)).toBe(true);
      }),
    );
  });

  it('refuse invalid UTF-8 and odd hex instead of guessing', () => {
    expect(tryDecodeUtf8(new Uint8Array([0xc3, 0x28]))).toBeUndefined();
    expect(tryDecodeUtf8(encodeUtf8('\ufeffGrüße'))).toBe('\ufeffGrüße');
    expect(tryDecodeHex('abc')).toBeUndefined();
    expect(tryDecodeHex('zz')).toBeUndefined();
  });
});
