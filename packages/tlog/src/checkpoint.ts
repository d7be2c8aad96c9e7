import { encodeBase64, hasControlCharacters, isArray, isHash, tryDecodeBase64 } from './bytes.ts';
import { TlogError } from './errors.ts';
import { isIndex } from './numbers.ts';

// C2SP tlog-checkpoint, "Note text": origin, tree size and root hash, one per line, then
// optional extension lines. A checkpoint is the text of a signed note (see note.ts).

/** The content of a checkpoint. */
export type Checkpoint = {
  /** Identifies the log, e.g. `example.org/log`. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 6962 Merkle Tree Hash of the tree, 32 bytes. */
  rootHash: Uint8Array;
  /** Opaque extension lines; the spec advises against them. */
  extensions: string[];
};

/**
 * Formats a checkpoint note text (C2SP tlog-checkpoint), ending in a newline, ready to sign.
 *
 * @throws {TlogError} TLOG_BAD_CHECKPOINT if the origin or an extension line is empty, not
 *   well-formed Unicode or holds a control character (including newline), if the size is not an
 *   integer from 0 to 2^53-1, or if the root hash is not 32 bytes.
 */
export function formatCheckpoint(checkpoint: {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'checkpoint origin must be one non-empty line');
  }
  if (!isIndex(size)) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'tree size must be an integer from 0 to 2^53-1');
  }
  if (!isHash(rootHash)) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'root hash must be 32 bytes');
  }
  if (!isArray(extensions) || !extensions.every(isLine)) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'extension lines must be non-empty lines');
  }
  return [origin, String(size), encodeBase64(rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * Parses a checkpoint note text (C2SP tlog-checkpoint). Only the text: open the signed note
 * first. Parsing is strict: a newline after every line, a decimal size without leading zeros,
 * and a root hash in canonical base64 of exactly 32 bytes.
 *
 * @throws {TlogError} TLOG_BAD_CHECKPOINT if the text is not a checkpoint, or its size exceeds
 *   2^53-1.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'checkpoint must end in a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'checkpoint must have at least three lines');
  }
  if (!lines.every(isLine)) {
    throw new TlogError(
      'TLOG_BAD_CHECKPOINT',
      'checkpoint lines must be non-empty, well-formed and free of control characters',
    );
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  // "the ASCII decimal representation of the number of leaves in the tree, with no leading
  // zeroes"; sixteen digits reach past 2^53-1.
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !isIndex(Number(sizeText))) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'tree size must be decimal from 0 to 2^53-1');
  }
  const rootHash = tryDecodeBase64(rootText);
  if (rootHash?.length !== 32) {
    throw new TlogError('TLOG_BAD_CHECKPOINT', 'root hash must be 32 bytes in base64');
  }
  return { origin, size: Number(sizeText), rootHash, extensions };
}

function isLine(line: unknown): line is string {
  return (
    typeof line === 'string' &&
    line.length > 0 &&
    line.isWellFormed() &&
    !hasControlCharacters(line)
  );
}
