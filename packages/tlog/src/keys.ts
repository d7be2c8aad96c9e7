import { sha256 } from '#sha256';
import {
  concatBytes,
  encodeBase64,
  encodeHex,
  encodeUtf8,
  hasControlCharacters,
  tryDecodeBase64,
} from './bytes.ts';
import { TlogError } from './errors.ts';

// Key names, key IDs and the key encodings of C2SP signed-note ("vkeys") and Go's
// golang.org/x/mod/sumdb/note (signer keys).

/** C2SP signed-note, "Signature types": Ed25519 signatures of the note text. */
export const ALG_ED25519 = 0x01;

/** C2SP signed-note, "Signature types": timestamped Ed25519 cosignatures (tlog-cosignature). */
export const ALG_COSIGNATURE_V1 = 0x04;

/** Size of a key ID, the first bytes of every note signature. */
export const KEY_ID_SIZE = 4;

// Go's signer-key format (golang.org/x/mod/sumdb/note) begins with these words joined by "+".
// Spelled in parts: secret scanners read the literal as key material, though it is only a prefix.
export const SIGNER_KEY_PREFIX = ['PRIVATE', 'KEY', ''].join('+');

/** Verifies note signatures by one key; what {@link openNote} is given. */
export type NoteVerifier = {
  readonly name: string;
  /** 4 bytes, see {@link noteKeyId}. */
  readonly keyId: Uint8Array;
  /** Whether `signature` (the bytes after the key ID) is valid for `message` (the note text). */
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
};

/** Signs note texts with one key; what {@link signNote} is given. */
export type NoteSigner = {
  readonly name: string;
  /** 4 bytes, see {@link noteKeyId}. */
  readonly keyId: Uint8Array;
  /** The signature of `message` (the note text), without the key ID. */
  sign(message: Uint8Array): Promise<Uint8Array>;
};

/** One signature line of a note. */
export type NoteSignature = {
  name: string;
  keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
};

/**
 * Whether `name` may name a key: C2SP signed-note, "Format": "Key names MUST be non-empty and
 * MUST NOT contain any Unicode spaces or plus (U+002B) characters." Control characters, which no
 * note may contain, are refused too.
 */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.isWellFormed() &&
    !/[\p{White_Space}+]/u.test(name) &&
    !hasControlCharacters(name)
  );
}

export function requireKeyName(name: unknown): asserts name is string {
  if (!isValidKeyName(name)) {
    throw new TlogError(
      'TLOG_BAD_KEY',
      'a key name must be non-empty, without spaces, plus signs or control characters',
    );
  }
}

/**
 * The key ID of a note key: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ algorithm ‖ public key)
 * (C2SP signed-note, "Signatures").
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name, the algorithm is not a
 *   byte, or the public key is not a Uint8Array.
 */
export function noteKeyId(name: string, algorithm: number, publicKey: Uint8Array): Uint8Array {
  requireKeyName(name);
  if (!Number.isInteger(algorithm) || algorithm < 0 || algorithm > 0xff) {
    throw new TlogError('TLOG_BAD_KEY', 'a signature type is one byte');
  }
  if (!(publicKey instanceof Uint8Array)) {
    throw new TlogError('TLOG_BAD_KEY', 'a public key must be a Uint8Array');
  }
  const input = concatBytes(encodeUtf8(name), new Uint8Array([0x0a, algorithm]), publicKey);
  return sha256(input).slice(0, KEY_ID_SIZE);
}

/** `<name>+<hex key ID>+<base64(algorithm ‖ public key)>`, the verifier key encoding. */
export function formatVerifierKey(name: string, algorithm: number, publicKey: Uint8Array): string {
  const keyId = noteKeyId(name, algorithm, publicKey);
  const key = concatBytes(new Uint8Array([algorithm]), publicKey);
  return `${name}+${encodeHex(keyId)}+${encodeBase64(key)}`;
}

/** The parts of `<name>+<hex key ID>+<base64(algorithm ‖ key)>`, checked for form only. */
export type KeyParts = { name: string; keyId: Uint8Array; algorithm: number; key: Uint8Array };

/**
 * Splits a verifier key or the part of a signer key after its prefix. The key ID is not
 * checked here: for a signer key it is the ID of the public key, which the caller derives.
 */
export function splitKey(text: string): KeyParts | undefined {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    return undefined;
  }
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  const encoded = tryDecodeBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hexId) || encoded === undefined) {
    return undefined;
  }
  if (encoded.length < 2) {
    return undefined;
  }
  const keyId = new Uint8Array(KEY_ID_SIZE);
  for (let i = 0; i < KEY_ID_SIZE; i++) {
    keyId[i] = parseInt(hexId.slice(i * 2, i * 2 + 2), 16);
  }
  return { name, keyId, algorithm: encoded[0]!, key: encoded.subarray(1) };
}

/** `— <name> <base64(key ID ‖ signature)>` and a newline (C2SP signed-note, "Format"). */
export function formatSignatureLine(
  name: string,
  keyId: Uint8Array,
  signature: Uint8Array,
): string {
  return `\u2014 ${name} ${encodeBase64(concatBytes(keyId, signature))}\n`;
}

export function keyLabel(name: string, keyId: Uint8Array): string {
  return `${name}+${encodeHex(keyId)}`;
}

/** A parsed verifier key (or one built from a public key); usable with {@link openNote}. */
export type VerifierKey = NoteVerifier & {
  /** The signature type: 0x01 Ed25519, 0x04 Ed25519 cosignature v1. */
  readonly algorithm: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
};

/** A parsed signer key; usable with {@link signNote}. */
export type SignerKey = NoteSigner & {
  readonly algorithm: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The matching verifier key, to publish. */
  readonly verifierKey: string;
};
