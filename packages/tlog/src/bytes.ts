import {
  bytesEqual,
  concatBytes,
  encodeBase64 as base64,
  encodeHex,
  encodeUtf8,
  isBytes,
  toArrayBufferView,
  tryDecodeBase64,
  tryDecodeHex,
  tryDecodeUtf8,
} from '@allmende/bytes';
import { TlogError } from './errors.ts';

// Byte helpers of the formats: the shared ones from @allmende/bytes, and those that raise a
// TlogError or know about hashes.

export {
  bytesEqual,
  concatBytes,
  encodeHex,
  encodeUtf8,
  isBytes,
  toArrayBufferView,
  tryDecodeBase64,
  tryDecodeHex,
  tryDecodeUtf8,
};

/**
 * Encodes bytes as standard base64 with padding (RFC 4648 §4).
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if `bytes` is not a Uint8Array.
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (!isBytes(bytes)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'only a Uint8Array can be encoded');
  }
  return base64(bytes);
}

/**
 * Decodes strict standard base64 (see {@link encodeBase64}).
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if `text` is not canonical standard base64.
 */
export function decodeBase64(text: string): Uint8Array {
  const bytes = typeof text === 'string' ? tryDecodeBase64(text) : undefined;
  if (bytes === undefined) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'not canonical standard base64');
  }
  return bytes;
}

export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === 32;
}

/** Whether `text` holds an ASCII control character (below U+0020), other than an allowed newline. */
export function hasControlCharacters(text: string, allowNewline = false): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && !(allowNewline && code === 0x0a)) return true;
  }
  return false;
}

/** `Array.isArray` without its narrowing of readonly arrays to `any[]`. */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
