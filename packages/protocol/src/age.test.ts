import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBech32, encodeBech32, formatAgeRecipient, parseAgeRecipient } from './age.ts';
import { MemberKey } from './coop.ts';

// The recipient that age's README shows `age-keygen` printing.
const README_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

describe('Bech32 (BIP 173)', () => {
  it('accepts the valid test vectors of BIP 173', () => {
    for (const valid of [
      'a12uel5l',
      'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
      'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
      'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
    ]) {
      expect(decodeBech32(valid), valid).toBeDefined();
    }
  });

  it('refuses the invalid test vectors of BIP 173 and any changed character', () => {
    for (const invalid of [
      'pzry9x0s0muk',
      '1pzry9x0s0muk',
      'x1b4n0q5v',
      'li1dgmt3',
      'A1G7SGD8',
      '10a06t8',
      '1qzzfhee',
    ]) {
      expect(decodeBech32(invalid), invalid).toBeUndefined();
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: README_RECIPIENT.length - 1 }),
        fc.constantFrom(...'qpzry9x8gf2tvdw0s3jn54khce6mua7l'),
        (at, c) => {
          fc.pre(README_RECIPIENT[at] !== c);
          const changed = README_RECIPIENT.slice(0, at) + c + README_RECIPIENT.slice(at + 1);
          expect(decodeBech32(changed)).toBeUndefined();
        },
      ),
    );
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(decodeBech32(encodeBech32('test', bytes))?.hrp).toBe('test');
      }),
    );
  });
});

describe('age recipients', () => {
  it('reads the recipient of age’s README, and formats X25519 keys as age does', () => {
    expect(parseAgeRecipient(README_RECIPIENT)).toHaveLength(32);
    const { publicKey } = generateKeyPairSync('x25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const recipient = formatAgeRecipient(raw);
    expect(recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect(Buffer.from(parseAgeRecipient(recipient)!)).toEqual(raw);
  });

  it('refuses a mistyped recipient as a member key', () => {
    const typo = README_RECIPIENT.slice(0, -1) + 'q';
    expect(MemberKey.safeParse({ kind: 'age', recipient: README_RECIPIENT }).success).toBe(true);
    expect(MemberKey.safeParse({ kind: 'age', recipient: typo }).error?.issues[0]?.message).toMatch(
      /checksum/,
    );
    expect(parseAgeRecipient(encodeBech32('age', new Uint8Array(31)))).toBeUndefined();
    expect(parseAgeRecipient(encodeBech32('agf', new Uint8Array(32)))).toBeUndefined();
  });
});
