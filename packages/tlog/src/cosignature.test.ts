import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './bytes.ts';
import {
  COSIGNATURE_SIZE,
  checkCosignatures,
  cosignatureKeyId,
  cosignatureMessage,
  cosignatureVerifier,
  cosignatureVerifierKey,
  generateCosignerKeys,
  parseCosignerKey,
  signCosignature,
  verifyCosignature,
} from './cosignature.ts';
import { ed25519PublicKey } from './ed25519.ts';
import {
  ed25519VerifierKey,
  generateNoteKeys,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.ts';
import { flipBit, hex, rejectedCode, thrownCode, toHex } from './test-helpers.ts';

// The example of C2SP tlog-cosignature.
const CHECKPOINT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const TIMESTAMP = 1679315147;
const SIGNED_MESSAGE =
  'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

const SEED = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const NAME = 'witness.example.com/w1';

/** Node's own Ed25519, to check the cosigned message independently of this package. */
function nodeEd25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const der = new Uint8Array([...hex('302e020100300506032b657004220420'), ...seed]);
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  return new Uint8Array(nodeSign(null, message, key));
}

describe('cosignatures', () => {
  it('sign the message of the C2SP tlog-cosignature example', () => {
    expect(new TextDecoder().decode(cosignatureMessage(CHECKPOINT, TIMESTAMP))).toBe(
      SIGNED_MESSAGE,
    );
    expect(new TextDecoder().decode(cosignatureMessage(`${CHECKPOINT}ext\n`, 0))).toBe(
      `cosignature/v1\ntime 0\n${CHECKPOINT}ext\n`,
    );
  });

  it('compute the key ID of a published witness key (type 0x04)', () => {
    // From transparency-dev/formats, note/note_cosigv1_test.go.
    const key = parseVerifierKey(
      'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    );
    expect(key.algorithm).toBe(0x04);
    expect(toHex(key.keyId)).toBe('da77ade7');
    expect(toHex(cosignatureKeyId('remora.n621.de', key.publicKey))).toBe('da77ade7');
    expect(cosignatureVerifierKey('remora.n621.de', key.publicKey)).toBe(
      'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    );
  });

  it('are the timestamp and Node’s own Ed25519 signature of that message', async () => {
    const { cosignature, line } = await signCosignature(CHECKPOINT, TIMESTAMP, SEED, NAME);
    expect(cosignature).toHaveLength(COSIGNATURE_SIZE);
    // The example cosignature of C2SP tlog-cosignature carries the same timestamp bytes.
    const example = decodeBase64(
      'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
    );
    expect(example).toHaveLength(4 + COSIGNATURE_SIZE);
    expect(toHex(cosignature.subarray(0, 8))).toBe(toHex(example.subarray(4, 12)));
    const expected = nodeEd25519Sign(SEED, new TextEncoder().encode(SIGNED_MESSAGE));
    expect(toHex(cosignature.subarray(8))).toBe(toHex(expected));

    const publicKey = await ed25519PublicKey(SEED);
    const keyId = cosignatureKeyId(NAME, publicKey);
    expect(line).toBe(`— ${NAME} ${encodeBase64(new Uint8Array([...keyId, ...cosignature]))}\n`);
    expect(await verifyCosignature(CHECKPOINT, cosignature, publicKey)).toBe(TIMESTAMP);
  });

  it('verify in a signed note next to the log’s signature', async () => {
    const logSigner = await parseSignerKey(
      'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
    );
    const note = await signNote(CHECKPOINT, logSigner);
    const { line } = await signCosignature(CHECKPOINT, TIMESTAMP, SEED, NAME);
    const publicKey = await ed25519PublicKey(SEED);
    const witness = parseVerifierKey(cosignatureVerifierKey(NAME, publicKey));
    const log = parseVerifierKey(logSigner.verifierKey);

    const opened = await openNote(note + line, [log, witness]);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann', NAME]);

    const logOnly = await openNote(note + line, [log]);
    expect(logOnly.unverified).toHaveLength(1);
    const [cosigned] = logOnly.unverified;
    expect(await verifyCosignature(logOnly.text, cosigned!.signature, publicKey)).toBe(TIMESTAMP);

    // The same public key as a plain Ed25519 note key has another key ID: it does not match.
    const plain = parseVerifierKey(ed25519VerifierKey(NAME, publicKey));
    expect(plain.keyId).not.toEqual(witness.keyId);
    expect(await rejectedCode(() => openNote(note + line, [plain]))).toBe('TLOG_BAD_SIGNATURE');
    // Nor does a cosignature pass for a plain signature under the plain key's ID.
    const { cosignature } = await signCosignature(CHECKPOINT, TIMESTAMP, SEED, NAME);
    const disguised = `— ${NAME} ${encodeBase64(new Uint8Array([...plain.keyId, ...cosignature]))}\n`;
    expect(await rejectedCode(() => openNote(note + disguised, [log, plain]))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
  });

  it('reject any change to the cosignature, the checkpoint or the key', async () => {
    const { cosignature } = await signCosignature(CHECKPOINT, TIMESTAMP, SEED, NAME);
    const publicKey = await ed25519PublicKey(SEED);
    const verifier = cosignatureVerifier(NAME, publicKey);
    for (let bit = 0; bit < COSIGNATURE_SIZE * 8; bit += 3) {
      expect(
        await rejectedCode(() =>
          verifyCosignature(CHECKPOINT, flipBit(cosignature, bit), publicKey),
        ),
      ).toBe('TLOG_BAD_SIGNATURE');
    }
    const other = `${CHECKPOINT}extension\n`;
    expect(await rejectedCode(() => verifyCosignature(other, cosignature, publicKey))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
    const wrongKey = await ed25519PublicKey(new Uint8Array(32));
    expect(await rejectedCode(() => verifyCosignature(CHECKPOINT, cosignature, wrongKey))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
    for (const length of [0, 64, 71, 73]) {
      const cut = new Uint8Array(length);
      cut.set(cosignature.subarray(0, Math.min(length, COSIGNATURE_SIZE)));
      expect(await rejectedCode(() => verifyCosignature(CHECKPOINT, cut, publicKey))).toBe(
        'TLOG_BAD_SIGNATURE',
      );
      expect(await verifier.verify(new TextEncoder().encode(CHECKPOINT), cut)).toBe(false);
    }
    const farFuture = cosignature.slice();
    farFuture[1] = 0x20;
    expect(await rejectedCode(() => verifyCosignature(CHECKPOINT, farFuture, publicKey))).toBe(
      'TLOG_BAD_SIGNATURE',
    );
  });

  it('carry the largest timestamp a number holds', async () => {
    const publicKey = await ed25519PublicKey(SEED);
    const { cosignature } = await signCosignature(CHECKPOINT, Number.MAX_SAFE_INTEGER, SEED, NAME);
    expect(toHex(cosignature.subarray(0, 8))).toBe('001fffffffffffff');
    expect(await verifyCosignature(CHECKPOINT, cosignature, publicKey)).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('refuse bad arguments', async () => {
    for (const timestamp of [-1, 1.5, NaN, 2 ** 53, '1']) {
      expect(thrownCode(() => cosignatureMessage(CHECKPOINT, timestamp as number))).toBe(
        'TLOG_BAD_ARGUMENT',
      );
      expect(
        await rejectedCode(() => signCosignature(CHECKPOINT, timestamp as number, SEED, NAME)),
      ).toBe('TLOG_BAD_ARGUMENT');
    }
    for (const text of ['', 'not a checkpoint\n', CHECKPOINT.slice(0, -1)]) {
      expect(thrownCode(() => cosignatureMessage(text, 1))).toBe('TLOG_BAD_CHECKPOINT');
      expect(await rejectedCode(() => signCosignature(text, 1, SEED, NAME))).toBe(
        'TLOG_BAD_CHECKPOINT',
      );
      expect(
        await rejectedCode(() => verifyCosignature(text, new Uint8Array(72), new Uint8Array(32))),
      ).toBe('TLOG_BAD_CHECKPOINT');
    }
    expect(await rejectedCode(() => signCosignature(CHECKPOINT, 1, new Uint8Array(31), NAME))).toBe(
      'TLOG_BAD_KEY',
    );
    expect(await rejectedCode(() => signCosignature(CHECKPOINT, 1, SEED, 'bad name'))).toBe(
      'TLOG_BAD_KEY',
    );
    expect(
      await rejectedCode(() =>
        verifyCosignature(CHECKPOINT, new Uint8Array(72), new Uint8Array(31)),
      ),
    ).toBe('TLOG_BAD_KEY');
    expect(
      await rejectedCode(() =>
        verifyCosignature(CHECKPOINT, 'x' as unknown as Uint8Array, new Uint8Array(32)),
      ),
    ).toBe('TLOG_BAD_SIGNATURE');
    expect(thrownCode(() => cosignatureKeyId(NAME, new Uint8Array(33)))).toBe('TLOG_BAD_KEY');
    expect(thrownCode(() => cosignatureVerifierKey('a+b', new Uint8Array(32)))).toBe(
      'TLOG_BAD_KEY',
    );
    expect(thrownCode(() => cosignatureVerifier(NAME, decodeBase64('AAAA')))).toBe('TLOG_BAD_KEY');
  });
});

describe('cosigner keys', () => {
  it('are generated in the signer-key encoding with type 0x04, and parse back', async () => {
    const { signerKey, verifierKey } = await generateCosignerKeys(NAME);
    expect(signerKey).toMatch(
      /^PRIVATE\+KEY\+witness\.example\.com\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/,
    );
    const key = await parseCosignerKey(signerKey);
    expect(key.name).toBe(NAME);
    expect(key.verifierKey).toBe(verifierKey);
    const verifier = parseVerifierKey(verifierKey);
    expect(verifier.algorithm).toBe(0x04);
    expect(toHex(verifier.keyId)).toBe(toHex(key.keyId));
    expect(toHex(verifier.publicKey)).toBe(toHex(key.publicKey));
  });

  it('cosign exactly as signCosignature does with the seed', async () => {
    const seedKey = `PRIVATE+KEY+${NAME}+${toHex(cosignatureKeyId(NAME, await ed25519PublicKey(SEED)))}+${encodeBase64(new Uint8Array([0x04, ...SEED]))}`;
    const key = await parseCosignerKey(seedKey);
    const expected = await signCosignature(CHECKPOINT, TIMESTAMP, SEED, NAME);
    const cosigned = await key.cosign(CHECKPOINT, TIMESTAMP);
    expect(cosigned.line).toBe(expected.line);
    expect(toHex(cosigned.cosignature)).toBe(toHex(expected.cosignature));
  });

  it('refuse note signer keys, altered key IDs and malformed keys, without echoing them', async () => {
    const noteKeys = await generateNoteKeys(NAME);
    expect(await rejectedCode(() => parseCosignerKey(noteKeys.signerKey))).toBe('TLOG_BAD_KEY');
    const { signerKey } = await generateCosignerKeys(NAME);
    // And a cosigner key is no note signer key.
    expect(await rejectedCode(() => parseSignerKey(signerKey))).toBe('TLOG_BAD_KEY');
    // The base64 secret may itself hold '+', so it is everything after the fourth.
    const parts = signerKey.split('+');
    const secret = parts.slice(4).join('+');
    const wrongId = [...parts.slice(0, 3), '00000000', secret].join('+');
    expect(await rejectedCode(() => parseCosignerKey(wrongId))).toBe('TLOG_BAD_KEY');
    for (const bad of ['', 'PRIVATE+KEY+', signerKey.slice(0, -4), 42]) {
      const error: unknown = await parseCosignerKey(bad as string).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TLOG_BAD_KEY' });
      expect((error as Error).message).not.toContain(secret.slice(4, 20));
    }
  });
});

describe('checkCosignatures', () => {
  async function setup() {
    const log = await parseSignerKey(
      'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
    );
    const note = await signNote(CHECKPOINT, log);
    const w1 = await parseCosignerKey((await generateCosignerKeys('w1.example/w')).signerKey);
    const w2 = await parseCosignerKey((await generateCosignerKeys('w2.example/w')).signerKey);
    const w3 = await parseCosignerKey((await generateCosignerKeys('w3.example/w')).signerKey);
    const verifiers = [w1, w2, w3].map((w) => parseVerifierKey(w.verifierKey));
    return { log, note, w1, w2, w3, verifiers };
  }

  it('finds the valid, missing and invalid cosignatures, and ignores every other signature', async () => {
    const { note, w1, w2, verifiers } = await setup();
    const one = await w1.cosign(CHECKPOINT, 1_700_000_000);
    const two = await w2.cosign(`${CHECKPOINT}other\n`, 1_700_000_001);
    const stranger = await parseCosignerKey((await generateCosignerKeys(NAME)).signerKey);
    const unknown = await stranger.cosign(CHECKPOINT, 5);
    // w2's line is for another checkpoint text: present, but invalid for this one.
    const checks = await checkCosignatures(note + unknown.line + one.line + two.line, verifiers);
    expect(checks.map((c) => [c.cosigner.name, c.status])).toEqual([
      ['w1.example/w', 'valid'],
      ['w2.example/w', 'invalid'],
      ['w3.example/w', 'missing'],
    ]);
    expect(checks[0]).toMatchObject({ timestamp: 1_700_000_000, line: one.line });
  });

  it('counts a cosigner invalid when any of its repeated lines fails', async () => {
    const { note, w1, verifiers } = await setup();
    const good = await w1.cosign(CHECKPOINT, 10);
    const bytes = decodeBase64(good.line.split(' ')[2]!.trimEnd());
    const bad = `— w1.example/w ${encodeBase64(flipBit(bytes, 100))}\n`;
    const [check] = await checkCosignatures(note + good.line + bad, verifiers.slice(0, 1));
    expect(check!.status).toBe('invalid');
    const [twice] = await checkCosignatures(note + good.line + good.line, verifiers.slice(0, 1));
    expect(twice!.status).toBe('valid');
  });

  it('refuses malformed notes and keys that are no cosigner keys', async () => {
    const { note, log, verifiers } = await setup();
    expect(await rejectedCode(() => checkCosignatures('no signatures\n', verifiers))).toBe(
      'TLOG_BAD_NOTE',
    );
    expect(await rejectedCode(() => checkCosignatures(`${note}garbage\n`, verifiers))).toBe(
      'TLOG_BAD_NOTE',
    );
    const notCheckpoint = await signNote('just text\n', log);
    expect(await rejectedCode(() => checkCosignatures(notCheckpoint, verifiers))).toBe(
      'TLOG_BAD_CHECKPOINT',
    );
    const logKey = parseVerifierKey(log.verifierKey);
    expect(await rejectedCode(() => checkCosignatures(note, [logKey]))).toBe('TLOG_BAD_ARGUMENT');
    expect(await checkCosignatures(note, [])).toEqual([]);
  });
});
