import type { TranscriptRecord } from '@allmende/protocol';
import { ageIdentityIn, openTranscript as open } from '@allmende/protocol/open-transcript';

/**
 * Opens a sealed transcript with an age identity file, in the browser: the identity never
 * leaves the page. Every piece must open; a piece sealed to others or altered fails the replay.
 * @throws {Error} when the identity is not one, or a piece does not open with it.
 */
export async function openTranscript(
  sealed: Uint8Array,
  identityFile: string,
): Promise<TranscriptRecord[]> {
  const identity = ageIdentityIn(identityFile);
  if (!identity) throw new Error('the file holds no age identity (a line AGE-SECRET-KEY-…)');
  return open(sealed, identity);
}

/** What was typed, as text (control characters shown as ^X, so a reader sees Enter and Tab). */
export function typedText(records: readonly TranscriptRecord[]): string {
  const decoder = new TextDecoder();
  return (
    records
      .filter((r): r is Extract<TranscriptRecord, { kind: 'input' }> => r.kind === 'input')
      .map((r) => decoder.decode(r.data))
      .join('')
      .replace(/\r/g, '⏎\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (c) =>
        c === '\u007f' ? '^?' : `^${String.fromCharCode(c.charCodeAt(0) + 64)}`,
      )
  );
}
