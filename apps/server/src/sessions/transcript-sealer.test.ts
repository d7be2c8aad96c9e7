import { randomBytes } from 'node:crypto';
import {
  encodeRecords,
  frameSealedPieces,
  TRANSCRIPT_V2,
  type TranscriptRecord,
} from '@allmende/protocol';
import { openTranscript } from '@allmende/protocol/open-transcript';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { TranscriptSealer } from './transcript-sealer.ts';

const output = (data: Uint8Array, at = 0): TranscriptRecord => ({
  kind: 'output',
  at,
  data: new Uint8Array(data),
});

/** Seals each group of records as one piece, in order, as a session does. */
function sealAll(sealer: TranscriptSealer, pieces: TranscriptRecord[][]): Uint8Array[] {
  return pieces.map((records, index) => sealer.seal(encodeRecords(records), index));
}

async function sealerFor(count = 1) {
  const identities = await Promise.all(Array.from({ length: count }, generateX25519Identity));
  const sealer = new TranscriptSealer(await Promise.all(identities.map(identityToRecipient)));
  return { identities, sealer, identity: identities[0]! };
}

describe('TranscriptSealer', () => {
  it('seals a transcript that each recipient opens, around the 64 KiB chunks of age', async () => {
    const { identities, sealer } = await sealerFor(2);
    // The first piece (an age file) and the later ones (segments), each empty, short, exactly
    // one age chunk, one more, several.
    const sizes = [0, 1, 65_517, 65_536, 65_537, 200_000];
    const pieces = [...sizes, ...sizes].map((size, i) => [output(randomBytes(size), i)]);
    const sealed = frameSealedPieces(sealAll(sealer, pieces));
    for (const identity of identities) {
      const records = await openTranscript(sealed, identity);
      expect(records).toEqual(pieces.flat());
    }
  });

  it('makes the first piece a standard age file that holds the transcript key', async () => {
    const { sealer, identity } = await sealerFor();
    const first = sealer.seal(encodeRecords([output(Buffer.from('hello'))]), 0);
    expect(Buffer.from(first.subarray(0, 22)).toString()).toBe('age-encryption.org/v1\n');
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const plain = await decrypter.decrypt(first);
    const v2 = Buffer.from(TRANSCRIPT_V2);
    expect(Buffer.from(plain.subarray(0, v2.length)).equals(v2)).toBe(true);
    expect(plain.subarray(v2.length + 32)).toEqual(encodeRecords([output(Buffer.from('hello'))]));
  });

  it('never seals the same bytes twice: a fresh nonce for every piece', async () => {
    const { sealer, identity } = await sealerFor();
    const plain = encodeRecords([output(Buffer.from('same'))]);
    const first = sealer.seal(plain, 0);
    const a = Buffer.from(sealer.seal(plain, 1));
    const b = Buffer.from(sealer.seal(plain, 1));
    expect(a.equals(b)).toBe(false);
    for (const second of [a, b]) {
      const records = await openTranscript(frameSealedPieces([first, second]), identity);
      expect(records).toHaveLength(2);
    }
  });

  it('refuses a piece altered, moved, dropped from the middle or taken from another session', async () => {
    const { sealer, identity } = await sealerFor();
    const other = await sealerFor();
    const pieces = sealAll(
      sealer,
      ['ls\r', 'rm -rf /srv/members\r', 'exit\r'].map((text) => [output(Buffer.from(text))]),
    );
    const [strangerFirst, strangerSecond] = sealAll(other.sealer, [
      [output(Buffer.from('a'))],
      [output(Buffer.from('b'))],
    ]);
    const altered = Buffer.from(pieces[1]!);
    altered[altered.length - 20]! ^= 1;
    const cases: [string, Uint8Array[]][] = [
      ['altered', [pieces[0]!, altered, pieces[2]!]],
      ['moved', [pieces[0]!, pieces[2]!, pieces[1]!]],
      ['dropped', [pieces[0]!, pieces[2]!]],
      ['spliced', [pieces[0]!, strangerSecond!, pieces[2]!]],
    ];
    for (const [name, framed] of cases) {
      await expect(openTranscript(frameSealedPieces(framed), identity), name).rejects.toThrow(
        /piece \d does not open/,
      );
    }
    // The other session's own pieces open only with its own first piece.
    await expect(
      openTranscript(frameSealedPieces([strangerFirst!, strangerSecond!]), identity),
    ).rejects.toThrow();
    expect(await openTranscript(frameSealedPieces(pieces), identity)).toHaveLength(3);
  });

  it('still opens a transcript of the first format, every piece an age file', async () => {
    const identity = await generateX25519Identity();
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(identity));
    const records = [output(Buffer.from('one')), output(Buffer.from('two'), 5)];
    const pieces = await Promise.all(records.map((r) => encrypter.encrypt(encodeRecords([r]))));
    expect(await openTranscript(frameSealedPieces(pieces), identity)).toEqual(records);
  });

  it('refuses to seal for nobody', () => {
    expect(() => new TranscriptSealer([])).toThrow(/no age recipient/);
  });
});
