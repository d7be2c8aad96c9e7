// Byte helpers for the SSH formats: the shared ones from @allmende/bytes, and renderings of
// outside input for error messages.

export {
  bytesEqual,
  concatBytes,
  encodeBase64,
  encodeUtf8,
  toArrayBufferView,
  tryDecodeBase64,
  tryDecodeUtf8,
} from '@allmende/bytes';

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
