import { concatBytes, encodeUtf8, tryDecodeUtf8 } from './bytes.ts';
import { SshError, type SshErrorCode } from './errors.ts';

// The SSH data types of RFC 4251 §5: byte, uint32, uint64, string, mpint and name-list.
// Everything a reader is given comes from outside: every length is checked against the bytes
// that are left before anything is read, so a length of 0xffffffff is an SshError, never an
// out-of-bounds read or a huge allocation.

const UINT32_MAX = 0xffff_ffff;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Reads SSH wire data from a byte string, front to back. Every failure is an SshError with the
 * code and the description given to the constructor, so that a truncated public key is an
 * SSH_BAD_KEY and a truncated signature an SSH_BAD_SIGNATURE.
 */
export class WireReader {
  readonly #bytes: Uint8Array;
  readonly #code: SshErrorCode;
  readonly #what: string;
  #offset = 0;

  /**
   * @param bytes what to read; the reader keeps a view, not a copy.
   * @param code the code of every SshError this reader throws.
   * @param what what the bytes are, the start of every error message ("the public key").
   */
  constructor(bytes: Uint8Array, code: SshErrorCode, what: string) {
    if (!(bytes instanceof Uint8Array)) {
      throw new SshError(code, `${what} must be a Uint8Array`);
    }
    this.#bytes = bytes;
    this.#code = code;
    this.#what = what;
  }

  /** How many bytes are left to read. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** An SshError with this reader's code, its message prefixed by what the bytes are. */
  error(message: string): SshError {
    return new SshError(this.#code, `${this.#what}: ${message}`);
  }

  /** A copy of the next `length` bytes. */
  readBytes(length: number, field: string): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw this.error(`${field} has an impossible length`);
    }
    if (length > this.remaining) {
      throw this.error(`${field} is truncated (${length} bytes announced, ${this.remaining} left)`);
    }
    const bytes = this.#bytes.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return bytes;
  }

  readByte(field: string): number {
    if (this.remaining < 1) {
      throw this.error(`${field} is missing`);
    }
    return this.#bytes[this.#offset++]!;
  }

  readUint32(field: string): number {
    if (this.remaining < 4) {
      throw this.error(`${field} is missing`);
    }
    const b = this.#bytes;
    const o = this.#offset;
    this.#offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  readUint64(field: string): bigint {
    if (this.remaining < 8) {
      throw this.error(`${field} is missing`);
    }
    const high = this.readUint32(field);
    const low = this.readUint32(field);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** A `string` (RFC 4251 §5): a uint32 length and that many bytes, returned as a copy. */
  readString(field: string): Uint8Array {
    if (this.remaining < 4) {
      throw this.error(`${field} is missing`);
    }
    return this.readBytes(this.readUint32(field), field);
  }

  /** A `string` that must hold valid UTF-8 without NUL characters. */
  readText(field: string): string {
    const text = tryDecodeUtf8(this.readString(field));
    if (text === undefined) {
      throw this.error(`${field} is not valid UTF-8`);
    }
    if (text.includes('\0')) {
      throw this.error(`${field} contains a NUL character`);
    }
    return text;
  }

  /**
   * An `mpint` (RFC 4251 §5): a two's complement big-endian integer in a string, in its one
   * minimal form — zero is the empty string, and no leading 0x00 or 0xff byte that the sign
   * does not need.
   */
  readMpint(field: string): bigint {
    const bytes = this.readString(field);
    if (bytes.length === 0) {
      return 0n;
    }
    const first = bytes[0]!;
    const second = bytes[1];
    if (
      (first === 0x00 && (second === undefined || second < 0x80)) ||
      (first === 0xff && second !== undefined && second >= 0x80)
    ) {
      throw this.error(`${field} is not a minimal mpint`);
    }
    let value = 0n;
    for (const byte of bytes) {
      value = (value << 8n) | BigInt(byte);
    }
    return first >= 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
  }

  /**
   * A `name-list` (RFC 4251 §5): comma-separated names in a string, each non-empty printable
   * US-ASCII without spaces or commas. The empty string is the empty list.
   */
  readNameList(field: string): string[] {
    const bytes = this.readString(field);
    if (bytes.length === 0) {
      return [];
    }
    let text = '';
    for (const byte of bytes) {
      if (byte <= 0x20 || byte >= 0x7f) {
        throw this.error(`${field} holds a byte that is not printable US-ASCII`);
      }
      text += String.fromCharCode(byte);
    }
    const names = text.split(',');
    if (names.includes('')) {
      throw this.error(`${field} holds an empty name`);
    }
    return names;
  }

  /** Refuses bytes after the last field. */
  expectEnd(): void {
    if (this.remaining !== 0) {
      throw this.error(`${this.remaining} unexpected bytes after the last field`);
    }
  }
}

/** Writes SSH wire data; the counterpart of {@link WireReader}. */
export class WireWriter {
  readonly #parts: Uint8Array[] = [];

  /** Appends bytes as they are, without a length. */
  writeBytes(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array)) {
      throw new SshError('SSH_BAD_ARGUMENT', 'only a Uint8Array can be written');
    }
    this.#parts.push(bytes.slice());
    return this;
  }

  writeByte(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new SshError('SSH_BAD_ARGUMENT', 'a byte is an integer from 0 to 255');
    }
    this.#parts.push(Uint8Array.of(value));
    return this;
  }

  writeUint32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new SshError('SSH_BAD_ARGUMENT', 'a uint32 is an integer from 0 to 2^32 - 1');
    }
    this.#parts.push(
      Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff),
    );
    return this;
  }

  writeUint64(value: bigint): this {
    if (typeof value !== 'bigint' || value < 0n || value > UINT64_MAX) {
      throw new SshError('SSH_BAD_ARGUMENT', 'a uint64 is a bigint from 0 to 2^64 - 1');
    }
    return this.writeUint32(Number(value >> 32n)).writeUint32(Number(value & 0xffff_ffffn));
  }

  /** A `string`: bytes as they are, text as UTF-8. */
  writeString(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? encodeUtf8(value) : value;
    if (!(bytes instanceof Uint8Array) || bytes.length > UINT32_MAX) {
      throw new SshError('SSH_BAD_ARGUMENT', 'a string is a Uint8Array or text below 4 GiB');
    }
    return this.writeUint32(bytes.length).writeBytes(bytes);
  }

  /** An `mpint` in its minimal two's complement form (RFC 4251 §5). */
  writeMpint(value: bigint): this {
    if (typeof value !== 'bigint') {
      throw new SshError('SSH_BAD_ARGUMENT', 'an mpint is a bigint');
    }
    if (value === 0n) {
      return this.writeUint32(0);
    }
    // The smallest length whose two's complement range holds the value, sign bit included.
    let length = 1;
    while (value >= 1n << BigInt(length * 8 - 1) || value < -(1n << BigInt(length * 8 - 1))) {
      length++;
    }
    let unsigned = value < 0n ? (1n << BigInt(length * 8)) + value : value;
    const bytes = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--) {
      bytes[i] = Number(unsigned & 0xffn);
      unsigned >>= 8n;
    }
    return this.writeString(bytes);
  }

  /** A `name-list`; every name non-empty printable US-ASCII without spaces or commas. */
  writeNameList(names: readonly string[]): this {
    if (!Array.isArray(names)) {
      throw new SshError('SSH_BAD_ARGUMENT', 'a name-list is an array of names');
    }
    for (const name of names as readonly unknown[]) {
      if (typeof name !== 'string' || !/^[\x21-\x2b\x2d-\x7e]+$/.test(name)) {
        throw new SshError(
          'SSH_BAD_ARGUMENT',
          'a name is non-empty printable US-ASCII without spaces or commas',
        );
      }
    }
    return this.writeString(names.join(','));
  }

  /** Everything written so far, as one byte string. */
  finish(): Uint8Array {
    return concatBytes(...this.#parts);
  }
}

/** The bytes of one `string` (RFC 4251 §5): a uint32 length, then the bytes. */
export function encodeString(value: Uint8Array | string): Uint8Array {
  return new WireWriter().writeString(value).finish();
}
