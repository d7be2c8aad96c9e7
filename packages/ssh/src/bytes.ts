// Byte helpers for the SSH formats, from @allmende/bytes.

export {
  bytesEqual,
  concatBytes,
  describeBytes,
  describeText,
  encodeBase64,
  encodeUtf8,
  toArrayBufferView,
  tryDecodeBase64,
  tryDecodeUtf8,
} from '@allmende/bytes';
