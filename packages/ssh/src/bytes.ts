// Byte helpers for the SSH formats. Base64 is RFC 4648 §4 (standard alphabet, with padding),
// which OpenSSH writes in public key lines and signature armour.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, so that decoding never drops a byte that was signed.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes bytes as standard base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes strict standard base64: the RFC 4648 §4 alphabet, padding to a multiple of four, no
 * whitespace, and zero bits after the last byte, so that every byte string has exactly one
 * accepted encoding. Returns undefined for anything else.
 */
export function tryDecodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) {
    return undefined;
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  // atob ignores bits after the last byte; re-encoding tells whether they were zero.
  return encodeBase64(bytes) === text ? bytes : undefined;
}

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8, returning undefined for invalid UTF-8. */
export function tryDecodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** A copy backed by a fresh ArrayBuffer, as WebCrypto's `BufferSource` parameters require. */
export function toArrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/**
 * A short, printable rendering of bytes that came from outside, for error messages: a JSON
 * string of at most 64 characters, with every byte outside printable ASCII escaped.
 */
export function describeBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes.subarray(0, 64)) {
    text +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : byte === 0x22 || byte === 0x5c
          ? `\\${String.fromCharCode(byte)}`
          : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}${bytes.length > 64 ? '…' : ''}"`;
}

/**
 * A short, printable rendering of text that came from outside, for error messages: a JSON
 * string of at most 64 characters, with control, invisible and bidirectional characters escaped.
 */
export function describeText(text: string): string {
  const json = JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
  return json.replace(
    /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
