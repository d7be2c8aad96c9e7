import { randomBytes } from 'node:crypto';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { TranscriptSealer } from './transcript-sealer.ts';

describe('TranscriptSealer', () => {
  it('seals standard age files that each recipient opens with age-encryption', async () => {
    const identities = [await generateX25519Identity(), await generateX25519Identity()];
    const sealer = new TranscriptSealer(
      await Promise.all(identities.map((i) => identityToRecipient(i))),
    );
    // Around the payload's 64 KiB chunks: empty, short, exactly one, one more, several.
    for (const size of [0, 1, 65_535, 65_536, 65_537, 3 * 65_536, 200_000]) {
      const plain = randomBytes(size);
      const sealed = sealer.seal(plain);
      for (const identity of identities) {
        const decrypter = new Decrypter();
        decrypter.addIdentity(identity);
        expect(Buffer.from(await decrypter.decrypt(sealed)).equals(plain), `${size} bytes`).toBe(
          true,
        );
      }
    }
  });

  it('uses a fresh file key for every piece', async () => {
    const identity = await generateX25519Identity();
    const sealer = new TranscriptSealer([await identityToRecipient(identity)]);
    const a = Buffer.from(sealer.seal(Buffer.from('same')));
    const b = Buffer.from(sealer.seal(Buffer.from('same')));
    expect(a.equals(b)).toBe(false);
    const share = (file: Buffer) => /-> X25519 (\S+)/.exec(file.toString('latin1'))?.[1];
    expect(share(a)).not.toBe(share(b));

    // Headers made ahead between pieces are each used once, and so are those made on demand
    // once they run out.
    for (let turn = 0; turn < 200; turn++) await new Promise((r) => setImmediate(r));
    const files = Array.from({ length: 100 }, () => Buffer.from(sealer.seal(Buffer.from('same'))));
    expect(new Set(files.map(share)).size).toBe(100);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    for (const file of [files[0]!, files[99]!]) {
      expect(Buffer.from(await decrypter.decrypt(file)).toString()).toBe('same');
    }
  });

  it('refuses a tampered piece', async () => {
    const identity = await generateX25519Identity();
    const sealer = new TranscriptSealer([await identityToRecipient(identity)]);
    const sealed = Buffer.from(sealer.seal(Buffer.from('rm -rf /srv/members\r')));
    sealed[sealed.length - 20]! ^= 1;
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    await expect(decrypter.decrypt(sealed)).rejects.toThrow();
  });

  it('refuses to seal for nobody', () => {
    expect(() => new TranscriptSealer([])).toThrow(/no age recipient/);
  });
});
