// Byte helpers for WebAuthn, from @allmende/bytes; WebAuthn writes base64url without padding.

export {
  bytesEqual,
  concatBytes,
  describeText,
  encodeBase64Url,
  encodeHex,
  encodeUtf8,
  toArrayBufferView,
  tryDecodeBase64Url,
  tryDecodeUtf8,
} from '@allmende/bytes';
