/**
 * Opening a sealed transcript with an oversight member's age identity, in the browser and in
 * the CLI alike (`@allmende/protocol/open-transcript`; not in the package's index, so that the
 * recorder, which loads the index, does not load age as well).
 */
import { bytesEqual } from '@allmende/bytes';
import { Decrypter } from 'age-encryption';
import {
  decodeRecords,
  SEGMENT_NONCE_BYTES,
  segmentAad,
  splitSealedPieces,
  TRANSCRIPT_KEY_BYTES,
  TRANSCRIPT_V2,
  type TranscriptRecord,
} from './session.ts';

const v2 = new TextEncoder().encode(TRANSCRIPT_V2);

/** The age identity in an identity file (age-keygen's format: comments, then the key). */
export function ageIdentityIn(file: string): string | undefined {
  return file
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('AGE-SECRET-KEY-'));
}

/**
 * The records of a sealed transcript (framed pieces, format in session.ts). Every piece must
 * open: a piece sealed to others, altered, moved or missing fails the whole transcript.
 * @throws {Error} with a message for people when the identity does not open it.
 */
export async function openTranscript(
  sealed: Uint8Array,
  identity: string,
): Promise<TranscriptRecord[]> {
  const [first, ...rest] = splitSealedPieces(sealed);
  if (!first) return [];
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  const opened = await decrypter.decrypt(first);
  if (!bytesEqual(opened.subarray(0, v2.length), v2)) {
    // Format 1: every piece is an age file.
    const records = decodeRecords(opened);
    for (const piece of rest) records.push(...decodeRecords(await decrypter.decrypt(piece)));
    return records;
  }
  const keyEnd = v2.length + TRANSCRIPT_KEY_BYTES;
  if (opened.length < keyEnd) throw new Error('the first piece is cut off before its key');
  const key = await crypto.subtle.importKey(
    'raw',
    opened.slice(v2.length, keyEnd),
    'AES-GCM',
    false,
    ['decrypt'],
  );
  const records = decodeRecords(opened.subarray(keyEnd));
  for (const [i, piece] of rest.entries()) {
    const index = i + 1;
    if (piece.length < SEGMENT_NONCE_BYTES + 16) throw new Error(`piece ${index} is cut off`);
    const plain = await crypto.subtle
      .decrypt(
        {
          name: 'AES-GCM',
          iv: piece.subarray(0, SEGMENT_NONCE_BYTES),
          additionalData: segmentAad(index),
        },
        key,
        piece.subarray(SEGMENT_NONCE_BYTES),
      )
      .catch(() => {
        throw new Error(`piece ${index} does not open: altered, moved, or of another session`);
      });
    records.push(...decodeRecords(new Uint8Array(plain)));
  }
  return records;
}
