import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64Url, tryDecodeBase64Url } from './bytes.ts';
import { utf8 } from './test-helpers.ts';

describe('base64url without padding (WebAuthn §3)', () => {
  // RFC 4648 §10, with the padding removed.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes %j as %j and back', (text, encoded) => {
    expect(encodeBase64Url(utf8(text))).toBe(encoded);
    expect(tryDecodeBase64Url(encoded)).toEqual(utf8(text));
  });

  it('uses the URL alphabet', () => {
    expect(encodeBase64Url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
  });

  it('agrees with Node for every byte string, and decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = encodeBase64Url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(tryDecodeBase64Url(encoded)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['padding', 'Zg=='],
    ['a single padding character', 'Zm8='],
    ['the standard alphabet', 'a+/b'],
    ['whitespace', 'Zm9v Yg'],
    ['a line break', 'Zm9v\nYg'],
    ['an impossible length', 'Zm9vY'],
    ['non-zero bits after the last byte (1 byte)', 'Zh'],
    ['non-zero bits after the last byte (2 bytes)', 'Zm9'],
    ['a character beyond ASCII', 'Zm9\u00e9'],
  ])('refuses %s', (_what, text) => {
    expect(tryDecodeBase64Url(text)).toBeUndefined();
  });

  it('accepts only the one encoding of each byte string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'AZaz09-_=+/ Q'), maxLength: 12 }),
        (text) => {
          const bytes = tryDecodeBase64Url(text);
          if (bytes !== undefined) expect(encodeBase64Url(bytes)).toBe(text);
        },
      ),
    );
  });
});
