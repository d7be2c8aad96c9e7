import { tryDecodeBase64 } from '@allmende/bytes';
import { TlogError, parseCheckpoint, parseNote, type Checkpoint } from '@allmende/tlog';
import { WitnessError } from './witness-error.ts';

// C2SP tlog-witness, "add-checkpoint": the request body is an old size line, zero or more
// consistency proof lines, an empty line, and a checkpoint (a signed note). Everything in it
// is attacker-controlled: nothing is signed yet but the checkpoint, and that is checked later.

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

export type AddCheckpointRequest = {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed note exactly as sent. */
  note: string;
  /** The checkpoint note text, without signatures. */
  text: string;
  checkpoint: Checkpoint;
};

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses an add-checkpoint request body. Signatures are not checked here.
 * @throws {WitnessError} WITNESS_BAD_REQUEST naming what is malformed.
 */
export function parseAddCheckpoint(body: Uint8Array): AddCheckpointRequest {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw bad('the body is not UTF-8');
  }
  const firstNewline = text.indexOf('\n');
  if (firstNewline < 0) throw bad('the body must begin with an "old <size>" line');
  // "the string `old`, a single space, and the tree size ... with no leading zeroes"
  const match = /^old (0|[1-9][0-9]{0,15})$/.exec(text.slice(0, firstNewline));
  const oldSize = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(oldSize)) {
    throw bad(
      'the first line must be "old <size>", a decimal from 0 to 2^53-1 without leading zeroes',
    );
  }
  const proof: Uint8Array[] = [];
  let position = firstNewline + 1;
  for (;;) {
    const end = text.indexOf('\n', position);
    if (end < 0) throw bad('the proof lines must end with an empty line before the checkpoint');
    const line = text.slice(position, end);
    position = end + 1;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) {
      throw bad(`a consistency proof has at most ${MAX_PROOF_LINES} lines`);
    }
    const hash = tryDecodeBase64(line);
    if (hash?.length !== 32) {
      throw bad(`consistency proof line ${proof.length + 1} is not a 32-byte hash in base64`);
    }
    proof.push(hash);
  }
  const note = text.slice(position);
  let checkpoint: Checkpoint;
  let noteText: string;
  try {
    noteText = parseNote(note).text;
    checkpoint = parseCheckpoint(noteText);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw bad(`the checkpoint is malformed: ${error.message}`, error);
  }
  return { oldSize, proof, note, text: noteText, checkpoint };
}

function bad(message: string, cause?: unknown): WitnessError {
  return new WitnessError('WITNESS_BAD_REQUEST', message, { cause });
}
