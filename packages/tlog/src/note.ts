import {
  bytesEqual,
  concatBytes,
  encodeBase64,
  encodeHex,
  encodeUtf8,
  hasControlCharacters,
  isArray,
  isBytes,
  tryDecodeBase64,
  tryDecodeUtf8,
} from './bytes.ts';
import { cosignatureVerifier } from './cosignature.ts';
import {
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SEED_SIZE,
  ed25519Verifier,
  importSeed,
  signEd25519,
} from './ed25519.ts';
import { TlogError } from './errors.ts';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  KEY_ID_SIZE,
  SIGNER_KEY_PREFIX,
  formatSignatureLine,
  formatVerifierKey,
  isValidKeyName,
  keyLabel,
  noteKeyId,
  requireKeyName,
  splitKey,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type SignerKey,
  type VerifierKey,
} from './keys.ts';

// C2SP signed-note, with the key encodings of Go's golang.org/x/mod/sumdb/note.

/**
 * Most signatures {@link openNote} reads from one note, as in Go's sumdb/note; C2SP signed-note,
 * "Format", asks verifiers to accept at least 16.
 */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';

/** A note whose signatures were checked; see {@link openNote}. */
export type OpenedNote = {
  /** The note text, ending in a newline. */
  text: string;
  /** Valid signatures by the given verifiers, one per key, in note order. */
  verified: NoteSignature[];
  /** Signatures by keys not among the verifiers, without repeats, in note order. */
  unverified: NoteSignature[];
};

/**
 * Generates an Ed25519 note key pair: the signer key `<signer prefix><name>+<key ID>+<base64(0x01 ‖
 * seed)>`, to keep secret, and the verifier key `<name>+<key ID>+<base64(0x01 ‖ public key)>`,
 * to publish (the encodings of Go's sumdb/note).
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is empty or holds spaces, plus signs or control
 *   characters, or if WebCrypto is unavailable.
 */
export async function generateNoteKeys(
  name: string,
): Promise<{ signerKey: string; verifierKey: string }> {
  requireKeyName(name);
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_SEED_SIZE));
  const { publicKey } = await importSeed(seed);
  const keyId = noteKeyId(name, ALG_ED25519, publicKey);
  const encodedSeed = encodeBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed));
  return {
    signerKey: `${SIGNER_KEY_PREFIX}${name}+${encodeHex(keyId)}+${encodedSeed}`,
    verifierKey: formatVerifierKey(name, ALG_ED25519, publicKey),
  };
}

/**
 * The verifier key `<name>+<key ID>+<base64(0x01 ‖ public key)>` of an Ed25519 note key.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name or the public key is not
 *   32 bytes.
 */
export function ed25519VerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isBytes(publicKey) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 public key is 32 bytes');
  }
  return formatVerifierKey(name, ALG_ED25519, publicKey);
}

/**
 * Parses a verifier key, `<name>+<hex key ID>+<base64(type ‖ public key)>`. Supports type 0x01
 * (Ed25519, C2SP signed-note) and 0x04 (Ed25519 cosignature v1, C2SP tlog-cosignature), both
 * with 32-byte public keys.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the key is malformed, its key ID does not match its name
 *   and public key, or its type is not supported.
 */
export function parseVerifierKey(verifierKey: string): VerifierKey {
  const parts = typeof verifierKey === 'string' ? splitKey(verifierKey) : undefined;
  if (parts === undefined) {
    throw new TlogError('TLOG_BAD_KEY', 'malformed verifier key');
  }
  const { name, keyId, algorithm, key } = parts;
  if (!bytesEqual(keyId, noteKeyId(name, algorithm, key))) {
    throw new TlogError('TLOG_BAD_KEY', 'verifier key ID does not match its name and key');
  }
  if (algorithm !== ALG_ED25519 && algorithm !== ALG_COSIGNATURE_V1) {
    throw new TlogError('TLOG_BAD_KEY', `unsupported verifier key type ${algorithm}`);
  }
  if (key.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 public key is 32 bytes');
  }
  if (algorithm === ALG_COSIGNATURE_V1) {
    return cosignatureVerifier(name, key);
  }
  return {
    name,
    keyId,
    algorithm,
    publicKey: key.slice(),
    verify: ed25519Verifier(key),
  };
}

/**
 * Parses a signer key, `<signer prefix><name>+<hex key ID>+<base64(0x01 ‖ seed)>` (Go's
 * sumdb/note), deriving the public key and checking the key ID against it.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the key is malformed, is not an Ed25519 (0x01) key, or
 *   its key ID does not match the derived public key; the message never repeats the key.
 */
export async function parseSignerKey(signerKey: string): Promise<SignerKey> {
  const parts =
    typeof signerKey === 'string' && signerKey.startsWith(SIGNER_KEY_PREFIX)
      ? splitKey(signerKey.slice(SIGNER_KEY_PREFIX.length))
      : undefined;
  if (parts === undefined) {
    throw new TlogError('TLOG_BAD_KEY', 'malformed signer key');
  }
  const { name, keyId, algorithm, key: seed } = parts;
  if (algorithm !== ALG_ED25519) {
    throw new TlogError('TLOG_BAD_KEY', `unsupported signer key type ${algorithm}`);
  }
  if (seed.length !== ED25519_SEED_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 seed is 32 bytes');
  }
  const { privateKey, publicKey } = await importSeed(seed);
  if (!bytesEqual(keyId, noteKeyId(name, ALG_ED25519, publicKey))) {
    throw new TlogError('TLOG_BAD_KEY', 'signer key ID does not match its name and key');
  }
  return {
    name,
    keyId,
    algorithm,
    publicKey,
    verifierKey: formatVerifierKey(name, ALG_ED25519, publicKey),
    sign: (message) => signEd25519(privateKey, message),
  };
}

/**
 * Signs a note text (C2SP signed-note): the text, a blank line, and one signature line per
 * signer, in the given order. To add signatures to a signed note later (cosignatures, say),
 * append their lines to it.
 *
 * @param text - the note text: well-formed, ending in a newline, no control characters but
 *   newlines.
 * @throws {TlogError} TLOG_BAD_NOTE if the text is not a valid note text; TLOG_BAD_KEY if a
 *   signer has an invalid name or key ID; TLOG_BAD_ARGUMENT if there is no signer or a signer
 *   returns no signature; anything a signer throws.
 */
export async function signNote(text: string, ...signers: NoteSigner[]): Promise<string> {
  if (
    typeof text !== 'string' ||
    !text.endsWith('\n') ||
    !text.isWellFormed() ||
    hasControlCharacters(text, true)
  ) {
    throw new TlogError(
      'TLOG_BAD_NOTE',
      'note text must be well-formed, end in a newline and hold no control characters',
    );
  }
  if (signers.length === 0) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'a signed note needs at least one signer');
  }
  for (const signer of signers) {
    requireKeyName(signer.name);
    if (!isBytes(signer.keyId) || signer.keyId.length !== KEY_ID_SIZE) {
      throw new TlogError('TLOG_BAD_KEY', 'a key ID is 4 bytes');
    }
  }
  const message = encodeUtf8(text);
  const signatures = await Promise.all(signers.map((signer) => signer.sign(message)));
  let note = `${text}\n`;
  signers.forEach((signer, i) => {
    const signature = signatures[i];
    if (!isBytes(signature) || signature.length === 0) {
      throw new TlogError('TLOG_BAD_ARGUMENT', `signer ${signer.name} returned no signature`);
    }
    note += formatSignatureLine(signer.name, signer.keyId, signature);
  });
  return note;
}

/** A signed note split into its text and signature lines, nothing verified; see {@link parseNote}. */
export type ParsedNote = {
  /** The note text, ending in a newline. */
  text: string;
  /** Every signature line, in note order, repeats included. */
  signatures: NoteSignature[];
};

/**
 * Splits a signed note (C2SP signed-note) into its text and signature lines without verifying
 * any signature: for callers that look for particular signatures, such as a witness's
 * cosignature among many. {@link openNote} is what trusts a note.
 *
 * @param note - the signed note, as a string or as UTF-8 bytes.
 * @throws {TlogError} TLOG_BAD_NOTE if the note is malformed (invalid UTF-8, control characters,
 *   no blank line before the signatures, malformed signature lines, more than
 *   {@link MAX_NOTE_SIGNATURES} signatures).
 */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const decoded = isBytes(note) ? tryDecodeUtf8(note) : note;
  if (typeof decoded !== 'string' || !decoded.isWellFormed()) {
    throw new TlogError('TLOG_BAD_NOTE', 'note is not valid UTF-8');
  }
  if (hasControlCharacters(decoded, true)) {
    throw new TlogError('TLOG_BAD_NOTE', 'note holds control characters');
  }
  // "the text is separated from the signatures by the last empty line in the note"
  const split = decoded.lastIndexOf('\n\n');
  if (split < 0) {
    throw new TlogError('TLOG_BAD_NOTE', 'note has no blank line before its signatures');
  }
  const text = decoded.slice(0, split + 1);
  const block = decoded.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    throw new TlogError('TLOG_BAD_NOTE', 'note must end in a signature line and a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new TlogError('TLOG_BAD_NOTE', `note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Opens a signed note (C2SP signed-note): parses it, verifies every signature by a known key
 * (matching name and key ID), and sets aside the signatures by unknown keys.
 *
 * @param note - the signed note, as a string or as UTF-8 bytes.
 * @param verifiers - the known keys.
 * @throws {TlogError} TLOG_BAD_NOTE if the note is malformed (invalid UTF-8, control characters,
 *   no blank line before the signatures, malformed signature lines, more than
 *   {@link MAX_NOTE_SIGNATURES} signatures); TLOG_BAD_SIGNATURE if a signature by a known key is
 *   invalid, or no known key signed the note; TLOG_BAD_KEY if two verifiers share name and key
 *   ID and the note has a signature by that key; TLOG_BAD_ARGUMENT if `verifiers` is malformed.
 */
export async function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): Promise<OpenedNote> {
  const known = indexVerifiers(verifiers);
  const { text, signatures } = parseNote(note);

  const message = encodeUtf8(text);
  const checks: Promise<boolean>[] = [];
  const verified: NoteSignature[] = [];
  const verifiedKeys = new Set<string>();
  const unverified: NoteSignature[] = [];
  const unverifiedLines = new Set<string>();
  for (const signature of signatures) {
    const label = keyLabel(signature.name, signature.keyId);
    const candidates = known.get(label);
    if (candidates === undefined) {
      const line = formatSignatureLine(signature.name, signature.keyId, signature.signature);
      if (!unverifiedLines.has(line)) {
        unverifiedLines.add(line);
        unverified.push(signature);
      }
      continue;
    }
    if (candidates.length > 1) {
      throw new TlogError('TLOG_BAD_KEY', `more than one verifier for key ${label}`);
    }
    // C2SP signed-note, "Signatures": "If the key name and ID match a known key, verifiers MUST
    // verify the signature." Every one, repeats included; each key is reported once.
    checks.push(candidates[0]!.verify(message, signature.signature));
    if (!verifiedKeys.has(label)) {
      verifiedKeys.add(label);
      verified.push(signature);
    }
  }
  const results = await Promise.all(checks);
  if (results.includes(false)) {
    throw new TlogError('TLOG_BAD_SIGNATURE', 'note has an invalid signature by a known key');
  }
  if (verified.length === 0) {
    throw new TlogError('TLOG_BAD_SIGNATURE', 'note has no signature by a known key');
  }
  return { text, verified, unverified };
}

function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier[]> {
  if (!isArray(verifiers) || !verifiers.every(isNoteVerifier)) {
    throw new TlogError(
      'TLOG_BAD_ARGUMENT',
      'verifiers must be objects with a key name, a 4-byte key ID and a verify function',
    );
  }
  const known = new Map<string, NoteVerifier[]>();
  for (const verifier of verifiers) {
    const label = keyLabel(verifier.name, verifier.keyId);
    known.set(label, [...(known.get(label) ?? []), verifier]);
  }
  return known;
}

function isNoteVerifier(value: unknown): value is NoteVerifier {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { name, keyId, verify } = value as Partial<NoteVerifier>;
  return (
    isValidKeyName(name) &&
    isBytes(keyId) &&
    keyId.length === KEY_ID_SIZE &&
    typeof verify === 'function'
  );
}

// C2SP signed-note, "Format": em dash, space, key name, space, base64 of key ID ‖ signature.
function parseSignatureLine(line: string): NoteSignature {
  const space = line.indexOf(' ', SIGNATURE_PREFIX.length);
  const name = line.slice(SIGNATURE_PREFIX.length, space);
  const encoded = space < 0 ? undefined : tryDecodeBase64(line.slice(space + 1));
  if (
    !line.startsWith(SIGNATURE_PREFIX) ||
    encoded === undefined ||
    encoded.length <= KEY_ID_SIZE ||
    !isValidKeyName(name)
  ) {
    throw new TlogError('TLOG_BAD_NOTE', 'malformed signature line');
  }
  return {
    name,
    keyId: encoded.slice(0, KEY_ID_SIZE),
    signature: encoded.slice(KEY_ID_SIZE),
  };
}
