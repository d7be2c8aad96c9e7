import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeBytes, describeText, encodeBase64, tryDecodeBase64 } from './bytes.ts';
import { utf8 } from './test-helpers.ts';

describe('base64 (RFC 4648 §4)', () => {
  it('encodes and decodes the test vectors of RFC 4648 §10', () => {
    const vectors = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    for (const [i, encoded] of vectors.entries()) {
      const text = 'foobar'.slice(0, i);
      expect(encodeBase64(utf8(text))).toBe(encoded);
      expect(tryDecodeBase64(encoded)).toEqual(utf8(text));
    }
  });

  it('refuses all but the one canonical encoding', () => {
    for (const text of [
      'Zg',
      'Zg=',
      'Zh==',
      'Zm9=',
      'Zm 9v',
      'Zm9v\n',
      '=Zm9',
      'Zm-_',
      'Zg==Zg==',
      '====',
      'Z',
    ]) {
      expect(tryDecodeBase64(text), text).toBeUndefined();
    }
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100_000 }), (bytes) => {
        expect(tryDecodeBase64(encodeBase64(bytes))).toEqual(bytes);
      }),
      { numRuns: 50 },
    );
  });

  it('encodes as node:buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });
});

describe('describeBytes', () => {
  it('makes outside bytes printable and short', () => {
    expect(describeBytes(utf8('ssh-rsa'))).toBe('"ssh-rsa"');
    expect(describeBytes(Uint8Array.of(0x1b, 0x22, 0x5c, 0xff))).toBe('"\\x1b\\"\\\\\\xff"');
    expect(describeBytes(new Uint8Array(100).fill(0x61))).toBe(`"${'a'.repeat(64)}…"`);
  });
});

describe('describeText', () => {
  it('keeps letters and escapes what could hide or mislead', () => {
    expect(describeText('allmende@coöp.example')).toBe('"allmende@coöp.example"');
    expect(describeText('a\nb"\u202Ec\u0085')).toBe('"a\\nb\\"\\u202ec\\u0085"');
    expect(describeText('x'.repeat(100))).toBe(`"${'x'.repeat(64)}…"`);
  });
});
