import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, equalBytes } from './base64.ts';

describe('base64', () => {
  it('round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    expect(encodeBase64(new Uint8Array([0xff, 0xfe]))).toBe(
      Buffer.from([0xff, 0xfe]).toString('base64'),
    );
  });

  it('refuses malformed input from the server', () => {
    for (const bad of ['abc', 'ab=c', 'a b=', '####']) {
      expect(() => decodeBase64(bad), bad).toThrow(SyntaxError);
    }
  });

  it('compares bytes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
});
