import type { WitnessesInfo, WitnessInfo } from '@allmende/protocol';
import {
  formatCheckpoint,
  generateCosignerKeys,
  generateNoteKeys,
  parseCosignerKey,
  parseSignerKey,
  signNote,
} from '@allmende/tlog';
import { describe, expect, it } from 'vitest';
import { checkWitnesses } from './witnesses.ts';

async function setup() {
  const log = await parseSignerKey((await generateNoteKeys('coop.test/log')).signerKey);
  const text = formatCheckpoint({ origin: log.name, size: 3, rootHash: new Uint8Array(32) });
  const note = await signNote(text, log);
  const witnesses = await Promise.all(
    ['w1', 'w2', 'w3', 'w4'].map(async (name) =>
      parseCosignerKey((await generateCosignerKeys(`${name}.test/witness`)).signerKey),
    ),
  );
  const info = (quorum: number): WitnessesInfo => ({
    quorum,
    checkpointSize: 3,
    witnesses: witnesses.map((w, i): WitnessInfo => ({
      name: `Witness ${i + 1}`,
      url: `https://w${i + 1}.test/witness`,
      key: w.verifierKey,
      cosignedSize: 3,
      cosignedAt: null,
      onCheckpoint: true,
      problem: i === 3 ? 'cannot reach the witness' : null,
      lastAttemptAt: null,
    })),
  });
  return { log, text, note, witnesses, info };
}

describe('the witnesses of a checkpoint, checked in the browser', () => {
  it('counts valid cosignatures only, whatever the server says', async () => {
    const { text, note, witnesses, info } = await setup();
    const lines = await Promise.all(
      witnesses.slice(0, 3).map((w) => w.cosign(text, 1_700_000_000)),
    );
    // The third witness's line is of another checkpoint: present, invalid.
    const other = await witnesses[2]!.cosign(`${text}extension\n`, 1_700_000_000);
    const cosigned = note + lines[0]!.line + lines[1]!.line + other.line;
    const check = await checkWitnesses(cosigned, info(3));
    expect(check.confirmed).toBe(2);
    expect(check.quorum).toBe(3);
    expect(check.witnesses.map((w) => w.status.kind)).toEqual([
      'cosigned',
      'cosigned',
      'invalid',
      'missing',
    ]);
    expect(check.witnesses[0]!.status).toEqual({
      kind: 'cosigned',
      at: new Date(1_700_000_000_000),
    });
    expect(check.witnesses[3]).toMatchObject({
      keyLabel: witnesses[3]!.verifierKey.split('+').slice(0, 2).join('+'),
      problem: 'cannot reach the witness',
    });
  });

  it('never counts a key that is no witness key, nor anything in a note that does not parse', async () => {
    const { log, text, note, info } = await setup();
    const named = info(1);
    // The server names the log's own key as a witness: its signature is on the note, yet it
    // is no cosignature.
    named.witnesses[0] = { ...named.witnesses[0]!, key: log.verifierKey };
    named.witnesses[1] = { ...named.witnesses[1]!, key: 'garbage' };
    const check = await checkWitnesses(note, named);
    expect(check.witnesses.slice(0, 2).map((w) => w.status.kind)).toEqual(['bad-key', 'bad-key']);
    expect(check.confirmed).toBe(0);
    const broken = await checkWitnesses(`${text}no signatures`, info(1));
    expect(broken.confirmed).toBe(0);
  });
});
