import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './bytes.ts';
import { ed25519PublicKey, importSeed, signEd25519 } from './ed25519.ts';
import { noteKeyId, type NoteSigner, type NoteVerifier } from './keys.ts';
import {
  ed25519VerifierKey,
  generateNoteKeys,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.ts';
import { flipBit, hex, rejectedCode, thrownCode, toHex, utf8 } from './test-helpers.ts';

// The example of Go's golang.org/x/mod/sumdb/note (note.go, note_test.go).
const PETER_SIGNER_KEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VERIFIER_KEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const peter = parseVerifierKey(PETER_VERIFIER_KEY);
const enoch = parseVerifierKey(ENOCH_VERIFIER_KEY);

/** Name, key ID and base64 of the whole signature, as Go's note.Signature has them. */
function described(signatures: { name: string; keyId: Uint8Array; signature: Uint8Array }[]) {
  return signatures.map((s) => [
    s.name,
    toHex(s.keyId),
    encodeBase64(new Uint8Array([...s.keyId, ...s.signature])),
  ]);
}

const PETER = ['PeterNeumann', 'c74f20a3', PETER_SIG.slice(15, -1)];
const ENOCH = ['EnochRoot', 'af0cfe78', ENOCH_SIG.slice(12, -1)];

describe('Ed25519 through WebCrypto', () => {
  it('derives keys and signs as RFC 8032 §7.1 test 1 says', async () => {
    const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    expect(toHex(await ed25519PublicKey(seed))).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    const { privateKey } = await importSeed(seed);
    expect(toHex(await signEd25519(privateKey, new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('rejects seeds that are not 32 bytes', async () => {
    for (const seed of [new Uint8Array(31), new Uint8Array(33), 'x']) {
      expect(await rejectedCode(() => ed25519PublicKey(seed as Uint8Array))).toBe('TLOG_BAD_KEY');
    }
  });
});

describe('note keys', () => {
  it('parse the verifier keys of Go’s sumdb/note example', () => {
    expect(peter.name).toBe('PeterNeumann');
    expect(toHex(peter.keyId)).toBe('c74f20a3');
    expect(peter.algorithm).toBe(1);
    expect(toHex(noteKeyId('PeterNeumann', 1, peter.publicKey))).toBe('c74f20a3');
    expect(ed25519VerifierKey('PeterNeumann', peter.publicKey)).toBe(PETER_VERIFIER_KEY);
    expect(toHex(enoch.keyId)).toBe('af0cfe78');
  });

  it('parse a verifier key whose base64 holds a plus sign', () => {
    // From transparency-dev/formats, note/note_cosigv1_test.go.
    const key = parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(key.name).toBe('TEST');
    expect(toHex(key.keyId)).toBe('7997405c');
  });

  it('parse the signer key of Go’s sumdb/note example', async () => {
    const signer = await parseSignerKey(PETER_SIGNER_KEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(toHex(signer.keyId)).toBe('c74f20a3');
    expect(signer.verifierKey).toBe(PETER_VERIFIER_KEY);
    expect(signer.publicKey).toEqual(peter.publicKey);
  });

  it('reject every truncation and every changed character of a verifier key', () => {
    const key = PETER_VERIFIER_KEY;
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(thrownCode(() => parseVerifierKey(key.slice(i, j)))).toBe('TLOG_BAD_KEY');
      }
    }
    for (let i = 0; i < key.length; i++) {
      const changed =
        key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(
        thrownCode(() => parseVerifierKey(changed)),
        changed,
      ).toBe('TLOG_BAD_KEY');
    }
    // From Go's TestNewVerifier: a key of the wrong length and an unknown algorithm, each with a
    // matching key ID.
    for (const bad of [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ]) {
      expect(thrownCode(() => parseVerifierKey(bad))).toBe('TLOG_BAD_KEY');
    }
    for (const notString of [null, undefined, 5, {}]) {
      expect(thrownCode(() => parseVerifierKey(notString as string))).toBe('TLOG_BAD_KEY');
    }
  });

  it('reject every truncation and every changed character of a signer key', async () => {
    const key = PETER_SIGNER_KEY;
    const bad: string[] = [];
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i !== 0 || j !== key.length) bad.push(key.slice(i, j));
      }
    }
    for (let i = 0; i < key.length; i++) {
      bad.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
    }
    bad.push(PETER_VERIFIER_KEY, 'PRIVATE+KEY+' + PETER_VERIFIER_KEY);
    const codes = await Promise.all(bad.map((k) => rejectedCode(() => parseSignerKey(k))));
    codes.forEach((code, i) => expect(code, bad[i]).toBe('TLOG_BAD_KEY'));
  });

  it('never repeat a signer key in an error message', async () => {
    const secret = PETER_SIGNER_KEY.replace('c74f20a3', 'c74f20a4');
    await expect(parseSignerKey(secret)).rejects.toThrow();
    try {
      await parseSignerKey(secret);
    } catch (error) {
      expect(String(error)).not.toContain('AYEKFAL');
    }
  });

  it('generate key pairs that sign and verify', async () => {
    const { signerKey, verifierKey } = await generateNoteKeys('example.org/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+example\.org\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(verifierKey).toMatch(/^example\.org\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const signer = await parseSignerKey(signerKey);
    expect(signer.verifierKey).toBe(verifierKey);
    const verifier = parseVerifierKey(verifierKey);
    expect(verifier.keyId).toEqual(signer.keyId);
    const signature = await signer.sign(utf8('hi'));
    expect(await verifier.verify(utf8('hi'), signature)).toBe(true);
    expect(await verifier.verify(utf8('hj'), signature)).toBe(false);
    expect(await verifier.verify(utf8('hi'), flipBit(signature, 0))).toBe(false);
    expect(await verifier.verify(utf8('hi'), signature.subarray(1))).toBe(false);
  });

  it('refuse names that are empty or hold spaces, plus signs or control characters', async () => {
    const bad = [
      '',
      'a b',
      'a+b',
      'a\tb',
      'a\nb',
      'a\u00a0b',
      'a\u2028b',
      'a\u0085b',
      'a\u3000b',
      'a\u0001b',
      'a\ud800b',
    ];
    for (const name of bad) {
      expect(await rejectedCode(() => generateNoteKeys(name)), JSON.stringify(name)).toBe(
        'TLOG_BAD_KEY',
      );
      expect(thrownCode(() => noteKeyId(name, 1, new Uint8Array(32)))).toBe('TLOG_BAD_KEY');
    }
    expect(thrownCode(() => noteKeyId('a', 256, new Uint8Array(32)))).toBe('TLOG_BAD_KEY');
    expect(thrownCode(() => noteKeyId('a', 1, 'x' as unknown as Uint8Array))).toBe('TLOG_BAD_KEY');
    expect(thrownCode(() => ed25519VerifierKey('a', new Uint8Array(31)))).toBe('TLOG_BAD_KEY');
  });

  it('accept names in any script', async () => {
    const { verifierKey } = await generateNoteKeys('genossenschaft.example/prüfer/日志');
    expect(parseVerifierKey(verifierKey).name).toBe('genossenschaft.example/prüfer/日志');
  });
});

describe('signing notes', () => {
  it('reproduces the signed note of Go’s sumdb/note example', async () => {
    const signer = await parseSignerKey(PETER_SIGNER_KEY);
    expect(await signNote(TEXT, signer)).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('signs with several keys, in order, and opens again (property)', async () => {
    const signers = await Promise.all(
      ['a.example/one', 'b.example/two'].map(async (name) => {
        const { signerKey } = await generateNoteKeys(name);
        return parseSignerKey(signerKey);
      }),
    );
    const verifiers = signers.map((s) => parseVerifierKey(s.verifierKey));
    const line = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .filter((l) => [...l].every((c) => c >= ' '));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const note = await signNote(text, ...signers);
        const opened = await openNote(note, verifiers);
        expect(opened.text).toBe(text);
        expect(opened.verified.map((s) => s.name)).toEqual(['a.example/one', 'b.example/two']);
        expect(opened.unverified).toEqual([]);
        const reopened = await openNote(utf8(note), verifiers.slice(1));
        expect(reopened.verified.map((s) => s.name)).toEqual(['b.example/two']);
        expect(reopened.unverified.map((s) => s.name)).toEqual(['a.example/one']);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses texts that no note can carry', async () => {
    const signer = await parseSignerKey(PETER_SIGNER_KEY);
    for (const text of ['', 'abc', 'a\n\r', 'a\u0000\n', 'tab\there\n', 'bad \ud800\n', 5]) {
      expect(await rejectedCode(() => signNote(text as string, signer))).toBe('TLOG_BAD_NOTE');
    }
    expect(await rejectedCode(() => signNote(TEXT))).toBe('TLOG_BAD_ARGUMENT');
    const badName: NoteSigner = { ...signer, name: 'bad name' };
    expect(await rejectedCode(() => signNote(TEXT, badName))).toBe('TLOG_BAD_KEY');
    const badId: NoteSigner = { ...signer, keyId: new Uint8Array(3) };
    expect(await rejectedCode(() => signNote(TEXT, badId))).toBe('TLOG_BAD_KEY');
  });
});

describe('opening notes', () => {
  it('opens Go’s example with one known and one unknown key', async () => {
    const opened = await openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter]);
    expect(opened.text).toBe(TEXT);
    expect(described(opened.verified)).toEqual([PETER]);
    expect(described(opened.unverified)).toEqual([ENOCH]);
  });

  it('parses Go’s example without verifying, every line in order, repeats included', () => {
    const parsed = parseNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}${PETER_SIG}`);
    expect(parsed.text).toBe(TEXT);
    expect(described(parsed.signatures)).toEqual([PETER, ENOCH, PETER]);
    const forged = `${TEXT.replace('answer', 'question')}\n${PETER_SIG}`;
    expect(described(parseNote(forged).signatures)).toEqual([PETER]);
  });

  it('opens Go’s example with both keys known', async () => {
    const opened = await openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter, enoch]);
    expect(described(opened.verified)).toEqual([PETER, ENOCH]);
    expect(opened.unverified).toEqual([]);
  });

  it('refuses a note that no known key signed', async () => {
    expect(await rejectedCode(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, []))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
    const stranger = parseVerifierKey(
      ed25519VerifierKey('PeterNeumann', new Uint8Array(32).fill(9)),
    );
    expect(await rejectedCode(() => openNote(`${TEXT}\n${PETER_SIG}`, [stranger]))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
  });

  it('drops repeated signatures, as Go’s sumdb/note does', async () => {
    const enochChanged = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochChanged}`;
    const opened = await openNote(note, [peter]);
    expect(described(opened.verified)).toEqual([PETER]);
    expect(described(opened.unverified)).toEqual([
      ENOCH,
      ['EnochRoot', 'af0cfe78', enochChanged.slice(12, -1)],
    ]);
  });

  it('refuses an invalid signature by a known key, even next to a valid one', async () => {
    const changed = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(await rejectedCode(() => openNote(`${TEXT}\n${changed}`, [peter]))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
    expect(await rejectedCode(() => openNote(`${TEXT}\n${PETER_SIG}${changed}`, [peter]))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
  });

  it('refuses every flipped bit in the text or the signature', async () => {
    const note = `${TEXT}\n${PETER_SIG}`;
    const signature = decodeBase64(PETER[2]!);
    const codes = await Promise.all([
      ...Array.from({ length: signature.length * 8 }, (_, bit) => {
        const line = `— PeterNeumann ${encodeBase64(flipBit(signature, bit))}\n`;
        return rejectedCode(() => openNote(`${TEXT}\n${line}`, [peter]));
      }),
      ...Array.from({ length: TEXT.length * 7 }, (_, i) => {
        const at = Math.floor(i / 7);
        const flipped = String.fromCharCode(TEXT.charCodeAt(at) ^ (1 << (i % 7)));
        if (flipped < ' ' || TEXT[at] === '\n') return Promise.resolve('skipped');
        return rejectedCode(() =>
          openNote(TEXT.slice(0, at) + flipped + note.slice(at + 1), [peter]),
        );
      }),
    ]);
    expect(codes.filter((code) => code !== 'skipped' && code !== 'TLOG_BAD_SIGNATURE')).toEqual([]);
  });

  it('refuses malformed notes', async () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\r\n${PETER_SIG}`,
      `\ud800${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG}\n`,
      `${TEXT}\n- PeterNeumann ${PETER[2]}\n`,
      `${TEXT}\n—PeterNeumann ${PETER[2]}\n`,
      `${TEXT}\n—  PeterNeumann ${PETER[2]}\n`,
      `${TEXT}\n— PeterNeumann  ${PETER[2]}\n`,
      `${TEXT}\n— PeterNeumann ${PETER[2]} \n`,
      `${TEXT}\n— PeterNeumann ${PETER[2]!.slice(0, -1)}\n`,
      `${TEXT}\n— PeterNeumann\n`,
      `${TEXT}\n— PeterNeumann \n`,
      `${TEXT}\n—  ${PETER[2]}\n`,
      `${TEXT}\n— PeterNeumann AAAAAA==\n`,
      `${TEXT}\n— Peter+Neumann ${PETER[2]}\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      '\n\n',
      '',
    ];
    for (const note of bad) {
      expect(await rejectedCode(() => openNote(note, [peter])), JSON.stringify(note)).toBe(
        'TLOG_BAD_NOTE',
      );
      expect(
        thrownCode(() => parseNote(note)),
        JSON.stringify(note),
      ).toBe('TLOG_BAD_NOTE');
    }
    const invalidUtf8 = new Uint8Array([0xff, ...utf8(`${TEXT}\n${PETER_SIG}`)]);
    expect(await rejectedCode(() => openNote(invalidUtf8, [peter]))).toBe('TLOG_BAD_NOTE');
    expect(await rejectedCode(() => openNote(5 as unknown as string, [peter]))).toBe(
      'TLOG_BAD_NOTE',
    );
  });

  it('keeps a leading byte order mark in the signed text', async () => {
    const note = `\ufeff${TEXT}\n${PETER_SIG}`;
    expect(await rejectedCode(() => openNote(note, [peter]))).toBe('TLOG_BAD_SIGNATURE');
    expect(await rejectedCode(() => openNote(utf8(note), [peter]))).toBe('TLOG_BAD_SIGNATURE');
    const signer = await parseSignerKey(PETER_SIGNER_KEY);
    const signed = await signNote(`\ufeff${TEXT}`, signer);
    expect((await openNote(utf8(signed), [peter])).text).toBe(`\ufeff${TEXT}`);
  });

  it('accepts 100 signatures and the note text’s own blank lines', async () => {
    const opened = await openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]);
    expect(opened.verified).toHaveLength(1);
    const signer = await parseSignerKey(PETER_SIGNER_KEY);
    const text = 'first\n\nthird\n\n';
    expect((await openNote(await signNote(text, signer), [peter])).text).toBe(text);
  });

  it('refuses ambiguous and malformed verifiers', async () => {
    const note = `${TEXT}\n${PETER_SIG}`;
    const twin = parseVerifierKey(PETER_VERIFIER_KEY);
    expect(await rejectedCode(() => openNote(note, [peter, enoch, twin]))).toBe('TLOG_BAD_KEY');
    expect((await openNote(note, [enoch, peter, enoch])).verified).toHaveLength(1);
    const malformed: unknown[] = [
      null,
      {},
      { ...peter, keyId: new Uint8Array(3) },
      { ...peter, name: 'a b' },
      { name: peter.name, keyId: peter.keyId },
    ];
    for (const verifier of malformed) {
      expect(await rejectedCode(() => openNote(note, [verifier as NoteVerifier]))).toBe(
        'TLOG_BAD_ARGUMENT',
      );
    }
    expect(await rejectedCode(() => openNote(note, peter as unknown as NoteVerifier[]))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
  });
});
