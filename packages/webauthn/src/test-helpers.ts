import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { WebAuthnError } from './errors.ts';
import { flipBit, hex, toHex, utf8 } from '../../../test/support/bytes.ts';
import { errorCodesOf } from '../../../test/support/error-codes.ts';

// Helpers for this package's tests: error codes, a small CBOR encoder that can also write what
// the decoder must refuse, and assertions made with node:crypto, independent of the code
// under test.

export const { thrownCode, rejectedCode } = errorCodesOf(WebAuthnError);
export { flipBit, hex, toHex, utf8 };

export function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

// ---------------------------------------------------------------------------------------------
// CBOR (RFC 8949), for building test input.

/** Bytes put into the encoding as they are, to write what an encoder never would. */
export class RawCbor {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
}

/** A map with its entries in the order given, duplicates included. */
export class CborEntries {
  readonly entries: readonly (readonly [CborInput, CborInput])[];
  constructor(entries: readonly (readonly [CborInput, CborInput])[]) {
    this.entries = entries;
  }
}

export type CborInput =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | CborInput[]
  | Map<CborInput, CborInput>
  | CborEntries
  | RawCbor;

function head(major: number, argument: number | bigint): number[] {
  const value = BigInt(argument);
  const m = major << 5;
  if (value < 24n) return [m | Number(value)];
  if (value < 0x100n) return [m | 24, Number(value)];
  if (value < 0x10000n) return [m | 25, Number(value >> 8n), Number(value & 0xffn)];
  const size = value < 0x1_0000_0000n ? 4 : 8;
  const out = [m | (size === 4 ? 26 : 27)];
  for (let i = size - 1; i >= 0; i--) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** Encodes in preferred serialization (RFC 8949 §4.1); maps keep the order they are given. */
export function encodeCbor(value: CborInput): Uint8Array {
  const out: number[] = [];
  const write = (item: CborInput): void => {
    if (item instanceof RawCbor) {
      out.push(...item.bytes);
    } else if (typeof item === 'number' || typeof item === 'bigint') {
      const n = BigInt(item);
      out.push(...(n >= 0n ? head(0, n) : head(1, -1n - n)));
    } else if (typeof item === 'string') {
      const bytes = utf8(item);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (item instanceof Uint8Array) {
      out.push(...head(2, item.length), ...item);
    } else if (typeof item === 'boolean') {
      out.push(item ? 0xf5 : 0xf4);
    } else if (item === null) {
      out.push(0xf6);
    } else if (Array.isArray(item)) {
      out.push(...head(4, item.length));
      item.forEach(write);
    } else {
      const entries = item instanceof CborEntries ? item.entries : [...item.entries()];
      out.push(...head(5, entries.length));
      for (const [key, entry] of entries) {
        write(key);
        write(entry);
      }
    }
  };
  write(value);
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Keys and assertions made with node:crypto.

export type TestAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

export type TestKey = {
  algorithm: TestAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a COSE_Key (WebAuthn §6.5.1), encoded here from its JWK. */
  cose: Uint8Array;
};

/** The COSE_Key of a node:crypto public key, as authenticators encode it. */
export function coseKeyOf(publicKey: KeyObject, algorithm: TestAlgorithm): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const b = (text: string | undefined): Uint8Array => fromBase64Url(text ?? '');
  switch (algorithm) {
    case 'ES256':
      return encodeCbor(
        new Map<CborInput, CborInput>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, b(jwk.x)],
          [-3, b(jwk.y)],
        ]),
      );
    case 'EdDSA':
      return encodeCbor(
        new Map<CborInput, CborInput>([
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, b(jwk.x)],
        ]),
      );
    case 'RS256':
      return encodeCbor(
        new Map<CborInput, CborInput>([
          [1, 3],
          [3, -257],
          [-1, b(jwk.n)],
          [-2, b(jwk.e)],
        ]),
      );
  }
}

export function generateTestKey(algorithm: TestAlgorithm, rsaBits = 2048): TestKey {
  const pair =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : algorithm === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: rsaBits });
  return { algorithm, ...pair, cose: coseKeyOf(pair.publicKey, algorithm) };
}

/** A signature as an authenticator makes it (WebAuthn §6.5.6): DER ECDSA, raw EdDSA, PKCS#1. */
export function signAs(key: TestKey, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(key.algorithm === 'EdDSA' ? null : 'sha256', data, key.privateKey));
}

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

/** Authenticator data (WebAuthn §6.1): SHA-256(rpId) ‖ flags ‖ signCount ‖ rest. */
export function authenticatorData(
  options: { rpId?: string; flags?: number; signCount?: number; rest?: Uint8Array } = {},
): Uint8Array {
  const out = new Uint8Array(37 + (options.rest?.length ?? 0));
  out.set(sha256(options.rpId ?? RP_ID));
  out[32] = options.flags ?? FLAGS.UP | FLAGS.UV;
  new DataView(out.buffer).setUint32(33, options.signCount ?? 0);
  out.set(options.rest ?? new Uint8Array(0), 37);
  return out;
}

export const RP_ID = 'coop.example';
export const ORIGIN = 'https://coop.example';

/** A canonical statement (RFC 8785) and its digest, the challenge a member signs. */
export const STATEMENT =
  '{"actor":"ada","body":{"request":"7f3a"},"time":"2025-01-01T00:00:00Z","type":"access.approved"}';
export const CHALLENGE = sha256(STATEMENT);

export type TestAssertion = {
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
};

/** Client data as a browser writes it (WebAuthn §5.8.1.1), with fields to override. */
export function clientData(fields: Record<string, unknown> = {}): Uint8Array {
  return utf8(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: base64Url(CHALLENGE),
      origin: ORIGIN,
      crossOrigin: false,
      ...fields,
    }),
  );
}

/** An assertion signed by `key` over the given (or default) authenticator and client data. */
export function makeAssertion(
  key: TestKey,
  parts: { authenticatorData?: Uint8Array; clientDataJSON?: Uint8Array } = {},
): TestAssertion {
  const authData = parts.authenticatorData ?? authenticatorData({ signCount: 7 });
  const clientDataJSON = parts.clientDataJSON ?? clientData();
  const signature = signAs(key, Uint8Array.of(...authData, ...sha256(clientDataJSON)));
  return { authenticatorData: authData, clientDataJSON, signature };
}

export function bytesEqualForTest(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
