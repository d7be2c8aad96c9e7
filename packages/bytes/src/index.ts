// Byte helpers shared by the pure packages (tlog, ssh, webauthn) and the apps. Base64 is RFC 4648:
// standard with padding (§4) for the C2SP formats and OpenSSH, base64url without padding (§5) for
// WebAuthn. Nothing here throws on malformed input: decoders answer undefined and callers raise
// their own errors.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
const URL_DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  URL_DECODE[URL_ALPHABET.charCodeAt(i)] = i;
}

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text, so that decoding never drops a signed byte.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes bytes as standard base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return encodeWith(bytes, ALPHABET, '=');
}

/** Encodes bytes as base64url without padding (RFC 4648 §5), as WebAuthn and JOSE write it. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeWith(bytes, URL_ALPHABET, '');
}

function encodeWith(bytes: Uint8Array, alphabet: string, pad: string): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      alphabet[n >>> 18]! +
      alphabet[(n >>> 12) & 63]! +
      alphabet[(n >>> 6) & 63]! +
      alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + pad + pad;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + pad;
  }
  return out;
}

/**
 * Decodes strict standard base64: only the RFC 4648 §4 alphabet, padding to a multiple of four,
 * no whitespace, and zero bits after the last byte, so that every byte string has exactly one
 * accepted encoding. Returns undefined for anything else.
 */
export function tryDecodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) {
    return undefined;
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = last && padding === 2 ? 0 : sextet(text, i + 2);
    const d = last && padding >= 1 ? 0 : sextet(text, i + 3);
    if (a < 0 || b < 0 || c < 0 || d < 0) {
      return undefined;
    }
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
    if (last && ((padding === 2 && (n & 0xffff) !== 0) || (padding === 1 && (n & 0xff) !== 0))) {
      return undefined;
    }
  }
  return out;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? DECODE[code]! : -1;
}

/**
 * Decodes strict unpadded base64url: only the RFC 4648 §5 alphabet, no "=", no whitespace, and
 * zero bits after the last byte, so that every byte string has exactly one accepted encoding.
 * Returns undefined for anything else.
 */
export function tryDecodeBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) {
    return undefined;
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let n = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? URL_DECODE[code]! : -1;
    if (value < 0) {
      return undefined;
    }
    n = (n << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (n >>> bits) & 0xff;
      n &= (1 << bits) - 1;
    }
  }
  return n === 0 ? out : undefined;
}

export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    out += byte.toString(16).padStart(2, '0');
  }
  return out;
}

/** Decodes an even number of hex digits (either case); undefined for anything else. */
export function tryDecodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    return undefined;
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
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

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
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
