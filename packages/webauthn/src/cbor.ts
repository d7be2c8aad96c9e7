import { encodeHex, tryDecodeUtf8 } from './bytes.ts';
import { WebAuthnError, type WebAuthnErrorCode } from './errors.ts';

// A minimal, strict CBOR decoder (RFC 8949) for what WebAuthn puts in CBOR: COSE keys and the
// extension outputs of authenticator data. It accepts the data model those need — integers,
// byte and text strings, arrays, maps, false, true and null — in preferred serialization only
// (RFC 8949 §4.1, which CTAP2's canonical form demands of authenticators): no indefinite
// lengths, every argument in its shortest form. Map keys must be unique (RFC 8949 §5.6); their
// order is not checked. Tags, floating-point numbers and other simple values are refused.
//
// Everything decoded here comes from outside: each length is checked against the bytes that
// are left before anything is read or allocated, and nesting is bounded, so hostile input is a
// WebAuthnError, never an out-of-bounds read, a huge allocation or a stack overflow.

/** How deeply arrays and maps may nest; a COSE key is one level, extensions two or three. */
export const MAX_CBOR_DEPTH = 16;

export type CborValue =
  number | bigint | Uint8Array | string | boolean | null | CborValue[] | CborMap;

/** A decoded CBOR map: its entries in the order of the encoding, and look-up by label. */
export class CborMap {
  readonly entries: readonly (readonly [CborValue, CborValue])[];
  readonly #byLabel: Map<number | string, CborValue>;

  constructor(entries: readonly (readonly [CborValue, CborValue])[]) {
    this.entries = entries;
    this.#byLabel = new Map();
    for (const [key, value] of entries) {
      if (typeof key === 'number' || typeof key === 'string') this.#byLabel.set(key, value);
    }
  }

  /** The value under an integer or text label (COSE labels are either), if there is one. */
  get(label: number | string): CborValue | undefined {
    return this.#byLabel.get(label);
  }
}

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MAJOR_SIMPLE = 7;

class CborReader {
  readonly #bytes: Uint8Array;
  readonly #code: WebAuthnErrorCode;
  readonly #what: string;
  #offset: number;

  constructor(bytes: Uint8Array, offset: number, code: WebAuthnErrorCode, what: string) {
    this.#bytes = bytes;
    this.#offset = offset;
    this.#code = code;
    this.#what = what;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  error(message: string): WebAuthnError {
    return new WebAuthnError(this.#code, `${this.#what}: ${message}`);
  }

  #readByte(): number {
    if (this.remaining < 1) {
      throw this.error('the CBOR is truncated');
    }
    return this.#bytes[this.#offset++]!;
  }

  /** The argument of a head (RFC 8949 §3), in its shortest form only (§4.2.1). */
  #readArgument(additional: number): number | bigint {
    if (additional < 24) {
      return additional;
    }
    if (additional === 31) {
      throw this.error('indefinite-length CBOR items are not accepted');
    }
    if (additional > 27) {
      throw this.error(`the CBOR additional information ${additional} is reserved`);
    }
    const size = 1 << (additional - 24);
    if (this.remaining < size) {
      throw this.error('the CBOR is truncated');
    }
    let value = 0n;
    for (let i = 0; i < size; i++) {
      value = (value << 8n) | BigInt(this.#bytes[this.#offset++]!);
    }
    const shortest = additional === 24 ? 24n : 1n << BigInt(4 * size);
    if (value < shortest) {
      throw this.error('a CBOR integer or length is not in its shortest form');
    }
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  #readLength(additional: number, unit: number, what: string): number {
    const length = this.#readArgument(additional);
    if (typeof length === 'bigint' || length * unit > this.remaining) {
      throw this.error(`the CBOR ${what} is truncated (${String(length)} announced)`);
    }
    return length;
  }

  readItem(depth: number): CborValue {
    const initial = this.#readByte();
    const major = initial >>> 5;
    const additional = initial & 0x1f;
    switch (major) {
      case MAJOR_UNSIGNED:
        return this.#readArgument(additional);
      case MAJOR_NEGATIVE: {
        const n = this.#readArgument(additional);
        return typeof n === 'number' && n < Number.MAX_SAFE_INTEGER ? -1 - n : -1n - BigInt(n);
      }
      case MAJOR_BYTES: {
        const length = this.#readLength(additional, 1, 'byte string');
        return this.#bytes.slice(this.#offset, (this.#offset += length));
      }
      case MAJOR_TEXT: {
        const length = this.#readLength(additional, 1, 'text string');
        const text = tryDecodeUtf8(this.#bytes.subarray(this.#offset, (this.#offset += length)));
        if (text === undefined) {
          throw this.error('a CBOR text string is not UTF-8');
        }
        return text;
      }
      case MAJOR_ARRAY: {
        const count = this.#readLength(additional, 1, 'array');
        this.#enter(depth);
        const items: CborValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.readItem(depth + 1));
        return items;
      }
      case MAJOR_MAP: {
        const count = this.#readLength(additional, 2, 'map');
        this.#enter(depth);
        const entries: (readonly [CborValue, CborValue])[] = [];
        const seen = new Set<string>();
        for (let i = 0; i < count; i++) {
          const start = this.#offset;
          const key = this.readItem(depth + 1);
          // In preferred serialization equal keys have equal encodings (RFC 8949 §5.6.1).
          const encoded = encodeHex(this.#bytes.subarray(start, this.#offset));
          if (seen.has(encoded)) {
            throw this.error('a CBOR map has a duplicate key');
          }
          seen.add(encoded);
          entries.push([key, this.readItem(depth + 1)]);
        }
        return new CborMap(entries);
      }
      case MAJOR_TAG:
        throw this.error('CBOR tags are not accepted');
      case MAJOR_SIMPLE:
        return this.#readSimple(additional);
      default:
        throw this.error('impossible CBOR major type');
    }
  }

  #enter(depth: number): void {
    if (depth >= MAX_CBOR_DEPTH) {
      throw this.error(`the CBOR nests deeper than ${MAX_CBOR_DEPTH} levels`);
    }
  }

  #readSimple(additional: number): CborValue {
    switch (additional) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 24: {
        // RFC 8949 §3.3: simple values below 32 in the one-byte form are not well-formed.
        const value = this.#readByte();
        throw this.error(
          value < 32
            ? 'a CBOR simple value is not well-formed'
            : `the CBOR simple value ${value} is not accepted`,
        );
      }
      case 25:
      case 26:
      case 27:
        throw this.error('CBOR floating-point numbers are not accepted');
      case 31:
        throw this.error('a CBOR "break" outside an indefinite-length item');
      default:
        throw this.error(
          additional > 27
            ? `the CBOR additional information ${additional} is reserved`
            : `the CBOR simple value ${additional} is not accepted`,
        );
    }
  }
}

/**
 * Decodes the one CBOR item that starts at `offset` and tells where it ends, for CBOR that is
 * followed by other data (the credential public key inside authenticator data).
 *
 * @param code the code of every WebAuthnError thrown; `what` starts its message.
 */
export function decodeCborPrefix(
  bytes: Uint8Array,
  offset: number,
  code: WebAuthnErrorCode,
  what: string,
): { value: CborValue; end: number } {
  const reader = new CborReader(bytes, offset, code, what);
  const value = reader.readItem(0);
  return { value, end: reader.offset };
}

/** Decodes bytes that hold exactly one CBOR item and nothing after it. */
export function decodeCbor(bytes: Uint8Array, code: WebAuthnErrorCode, what: string): CborValue {
  const { value, end } = decodeCborPrefix(bytes, 0, code, what);
  if (end !== bytes.length) {
    const trailing = bytes.length - end;
    throw new WebAuthnError(
      code,
      `${what}: ${trailing} byte${trailing === 1 ? '' : 's'} after the CBOR item`,
    );
  }
  return value;
}
