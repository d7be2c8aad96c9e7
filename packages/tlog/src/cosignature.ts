import {
  bytesEqual,
  concatBytes,
  encodeBase64,
  encodeHex,
  encodeUtf8,
  isArray,
  isBytes,
} from './bytes.ts';
import { parseCheckpoint } from './checkpoint.ts';
import {
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SEED_SIZE,
  ED25519_SIGNATURE_SIZE,
  ed25519Verifier,
  importSeed,
  signEd25519,
} from './ed25519.ts';
import { TlogError } from './errors.ts';
import {
  ALG_COSIGNATURE_V1,
  SIGNER_KEY_PREFIX,
  formatSignatureLine,
  formatVerifierKey,
  noteKeyId,
  requireKeyName,
  splitKey,
  type VerifierKey,
} from './keys.ts';
import { parseNote } from './note.ts';
import { isIndex } from './numbers.ts';

// C2SP tlog-cosignature, the Ed25519 cosignature v1 (signature type 0x04): a witness's
// timestamped statement that a checkpoint is the largest consistent tree it has seen of a log.

const TIMESTAMP_SIZE = 8;

/** Size of an Ed25519 cosignature: a uint64 timestamp and a 64-byte signature. */
export const COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE;

/** A cosignature, and the note signature line that carries it. */
export type Cosignature = {
  /** `timestamped_signature`: the big-endian uint64 timestamp, then the Ed25519 signature. */
  cosignature: Uint8Array;
  /** `— <name> base64(key ID ‖ cosignature)` and a newline, to append to the signed note. */
  line: string;
};

/**
 * The key ID of an Ed25519 cosigner: the first 4 bytes of
 * SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key) (C2SP tlog-cosignature, "Format").
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name or the public key is not
 *   32 bytes.
 */
export function cosignatureKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  requirePublicKey(publicKey);
  return noteKeyId(name, ALG_COSIGNATURE_V1, publicKey);
}

/**
 * The verifier key of an Ed25519 cosigner, `<name>+<key ID>+base64(0x04 ‖ public key)` (C2SP
 * tlog-cosignature, "Format"). {@link parseVerifierKey} reads it back.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name or the public key is not
 *   32 bytes.
 */
export function cosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  requirePublicKey(publicKey);
  return formatVerifierKey(name, ALG_COSIGNATURE_V1, publicKey);
}

/**
 * The message an Ed25519 cosigner signs (C2SP tlog-cosignature, "Ed25519 signed message"):
 * `cosignature/v1\ntime <timestamp>\n` followed by the whole checkpoint text, extension lines
 * included.
 *
 * @throws {TlogError} TLOG_BAD_CHECKPOINT if the text is not a checkpoint; TLOG_BAD_ARGUMENT if
 *   the timestamp is not an integer from 0 to 2^53-1.
 */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  parseCheckpoint(checkpointText);
  if (!isIndex(timestamp)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'timestamp must be an integer from 0 to 2^53-1');
  }
  return cosignedMessage(encodeUtf8(checkpointText), timestamp);
}

function cosignedMessage(text: Uint8Array, timestamp: number): Uint8Array {
  return concatBytes(encodeUtf8(`cosignature/v1\ntime ${timestamp}\n`), text);
}

/**
 * Cosigns a checkpoint with an Ed25519 cosigner key (C2SP tlog-cosignature).
 *
 * @param checkpointText - the checkpoint note text, without signatures.
 * @param timestamp - POSIX seconds.
 * @param seed - the cosigner's 32-byte Ed25519 private key seed.
 * @param name - the cosigner's key name.
 * @throws {TlogError} TLOG_BAD_CHECKPOINT if the text is not a checkpoint; TLOG_BAD_ARGUMENT if
 *   the timestamp is not an integer from 0 to 2^53-1; TLOG_BAD_KEY if the seed is not 32 bytes or
 *   the name is not a valid key name.
 */
export async function signCosignature(
  checkpointText: string,
  timestamp: number,
  seed: Uint8Array,
  name: string,
): Promise<Cosignature> {
  requireKeyName(name);
  const message = cosignatureMessage(checkpointText, timestamp);
  const { privateKey, publicKey } = await importSeed(seed);
  const signature = await signEd25519(privateKey, message);
  const cosignature = concatBytes(encodeTimestamp(timestamp), signature);
  const keyId = noteKeyId(name, ALG_COSIGNATURE_V1, publicKey);
  return { cosignature, line: formatSignatureLine(name, keyId, cosignature) };
}

/**
 * Verifies an Ed25519 cosignature of a checkpoint and returns its timestamp.
 *
 * @param cosignature - the 72 bytes after the key ID in the signature line.
 * @returns the timestamp, in POSIX seconds.
 * @throws {TlogError} TLOG_BAD_SIGNATURE if the cosignature is not 72 bytes, its timestamp
 *   exceeds 2^53-1 or its signature is invalid; TLOG_BAD_CHECKPOINT if the text is not a
 *   checkpoint; TLOG_BAD_KEY if the public key is not 32 bytes.
 */
export async function verifyCosignature(
  checkpointText: string,
  cosignature: Uint8Array,
  publicKey: Uint8Array,
): Promise<number> {
  parseCheckpoint(checkpointText);
  requirePublicKey(publicKey);
  const timestamp = isBytes(cosignature) ? decodeTimestamp(cosignature) : undefined;
  if (timestamp === undefined) {
    throw new TlogError(
      'TLOG_BAD_SIGNATURE',
      'a cosignature is 72 bytes with a timestamp up to 2^53-1',
    );
  }
  const verify = cosignatureVerify(publicKey);
  if (!(await verify(encodeUtf8(checkpointText), cosignature))) {
    throw new TlogError('TLOG_BAD_SIGNATURE', 'invalid cosignature');
  }
  return timestamp;
}

/**
 * A note verifier for an Ed25519 cosigner, for {@link openNote}.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name or the public key is not
 *   32 bytes.
 */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): VerifierKey {
  const keyId = cosignatureKeyId(name, publicKey);
  return {
    name,
    keyId,
    algorithm: ALG_COSIGNATURE_V1,
    publicKey: publicKey.slice(),
    verify: cosignatureVerify(publicKey),
  };
}

function cosignatureVerify(
  publicKey: Uint8Array,
): (text: Uint8Array, cosignature: Uint8Array) => Promise<boolean> {
  const verify = ed25519Verifier(publicKey);
  return async (text, cosignature) => {
    const timestamp = decodeTimestamp(cosignature);
    if (timestamp === undefined) {
      return false;
    }
    return verify(cosignedMessage(text, timestamp), cosignature.subarray(TIMESTAMP_SIZE));
  };
}

function encodeTimestamp(timestamp: number): Uint8Array {
  const bytes = new Uint8Array(TIMESTAMP_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(timestamp / 0x1_0000_0000));
  view.setUint32(4, timestamp % 0x1_0000_0000);
  return bytes;
}

/** The timestamp of a 72-byte cosignature; undefined for other lengths or beyond 2^53-1. */
function decodeTimestamp(cosignature: Uint8Array): number | undefined {
  if (cosignature.length !== COSIGNATURE_SIZE) {
    return undefined;
  }
  const view = new DataView(cosignature.buffer, cosignature.byteOffset, TIMESTAMP_SIZE);
  const timestamp = view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
  return isIndex(timestamp) ? timestamp : undefined;
}

function requirePublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!isBytes(publicKey) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 public key is 32 bytes');
  }
}

/** A cosigner's private key, parsed; see {@link parseCosignerKey}. */
export type CosignerKey = {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The verifier key `<name>+<key ID>+base64(0x04 ‖ public key)`, to publish. */
  readonly verifierKey: string;
  /** Cosigns a checkpoint note text (without signatures) at `timestamp`, in POSIX seconds. */
  cosign(checkpointText: string, timestamp: number): Promise<Cosignature>;
};

/**
 * Generates an Ed25519 cosigner key pair (C2SP tlog-cosignature): the private key in the
 * signer-key encoding of Go's sumdb/note with type 0x04, `<signer prefix><name>+<key ID>+
 * base64(0x04 ‖ seed)`, to keep secret, and the verifier key, to publish.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the name is not a valid key name, or WebCrypto is
 *   unavailable.
 */
export async function generateCosignerKeys(
  name: string,
): Promise<{ signerKey: string; verifierKey: string }> {
  requireKeyName(name);
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_SEED_SIZE));
  const { publicKey } = await importSeed(seed);
  const keyId = noteKeyId(name, ALG_COSIGNATURE_V1, publicKey);
  const encodedSeed = encodeBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), seed));
  return {
    signerKey: `${SIGNER_KEY_PREFIX}${name}+${encodeHex(keyId)}+${encodedSeed}`,
    verifierKey: formatVerifierKey(name, ALG_COSIGNATURE_V1, publicKey),
  };
}

/**
 * Parses a cosigner key made by {@link generateCosignerKeys}, deriving the public key and
 * checking the key ID against it.
 *
 * @throws {TlogError} TLOG_BAD_KEY if the key is malformed, is not an Ed25519 cosigner (0x04)
 *   key, or its key ID does not match; the message never repeats the key.
 */
export async function parseCosignerKey(signerKey: string): Promise<CosignerKey> {
  const parts =
    typeof signerKey === 'string' && signerKey.startsWith(SIGNER_KEY_PREFIX)
      ? splitKey(signerKey.slice(SIGNER_KEY_PREFIX.length))
      : undefined;
  if (parts === undefined) {
    throw new TlogError('TLOG_BAD_KEY', 'malformed cosigner key');
  }
  const { name, keyId, algorithm, key: seed } = parts;
  if (algorithm !== ALG_COSIGNATURE_V1) {
    throw new TlogError('TLOG_BAD_KEY', `a cosigner key has type 4, not ${algorithm}`);
  }
  if (seed.length !== ED25519_SEED_SIZE) {
    throw new TlogError('TLOG_BAD_KEY', 'an Ed25519 seed is 32 bytes');
  }
  const { privateKey, publicKey } = await importSeed(seed);
  if (!bytesEqual(keyId, noteKeyId(name, ALG_COSIGNATURE_V1, publicKey))) {
    throw new TlogError('TLOG_BAD_KEY', 'cosigner key ID does not match its name and key');
  }
  return {
    name,
    keyId,
    publicKey,
    verifierKey: formatVerifierKey(name, ALG_COSIGNATURE_V1, publicKey),
    async cosign(checkpointText, timestamp) {
      const message = cosignatureMessage(checkpointText, timestamp);
      const signature = await signEd25519(privateKey, message);
      const cosignature = concatBytes(encodeTimestamp(timestamp), signature);
      return { cosignature, line: formatSignatureLine(name, keyId, cosignature) };
    },
  };
}

/** What {@link checkCosignatures} found for one cosigner. */
export type CosignatureCheck =
  | { cosigner: VerifierKey; status: 'valid'; timestamp: number; line: string }
  | { cosigner: VerifierKey; status: 'missing' }
  | { cosigner: VerifierKey; status: 'invalid' };

/**
 * Checks a cosigned checkpoint against each of `cosigners` (C2SP tlog-cosignature): `valid`
 * when the note carries a signature line with the cosigner's name and key ID and every such
 * line verifies, `invalid` when one does not, `missing` when there is none. Signatures by other
 * keys, the log's own included, are ignored: check those with {@link openNote}.
 *
 * @param cosigners - Ed25519 cosigner keys (type 0x04), e.g. from {@link parseVerifierKey}.
 * @returns one check per cosigner, in the order given; `line` is the valid signature line.
 * @throws {TlogError} TLOG_BAD_NOTE if the note is malformed; TLOG_BAD_CHECKPOINT if its text
 *   is not a checkpoint; TLOG_BAD_ARGUMENT if a cosigner is not an Ed25519 cosigner key.
 */
export async function checkCosignatures(
  note: string | Uint8Array,
  cosigners: readonly VerifierKey[],
): Promise<CosignatureCheck[]> {
  if (
    !isArray(cosigners) ||
    !cosigners.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        c.algorithm === ALG_COSIGNATURE_V1 &&
        isBytes(c.publicKey) &&
        c.publicKey.length === ED25519_PUBLIC_KEY_SIZE,
    )
  ) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'cosigners must be Ed25519 cosigner keys (type 4)');
  }
  const { text, signatures } = parseNote(note);
  parseCheckpoint(text);
  const message = encodeUtf8(text);
  return Promise.all(
    cosigners.map(async (cosigner): Promise<CosignatureCheck> => {
      // Key IDs are derived from name and key, so matching both matches the key.
      const keyId = cosignatureKeyId(cosigner.name, cosigner.publicKey);
      const own = signatures.filter((s) => s.name === cosigner.name && bytesEqual(s.keyId, keyId));
      if (own.length === 0) return { cosigner, status: 'missing' };
      const verify = cosignatureVerify(cosigner.publicKey);
      const results = await Promise.all(own.map((s) => verify(message, s.signature)));
      if (results.includes(false)) return { cosigner, status: 'invalid' };
      const first = own[0]!;
      return {
        cosigner,
        status: 'valid',
        timestamp: decodeTimestamp(first.signature)!,
        line: formatSignatureLine(first.name, first.keyId, first.signature),
      };
    }),
  );
}
