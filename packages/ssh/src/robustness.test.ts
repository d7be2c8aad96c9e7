import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SshError } from './errors.ts';
import {
  fingerprint,
  formatPublicKey,
  formatSignature,
  parsePublicKey,
  parsePublicKeyBlob,
  parseSignature,
  signedDataFor,
  verifySignature,
  type SshPublicKey,
} from './index.ts';
import { armorSignatureBlob, dearmorSignature } from './sshsig.ts';
import { base64, mutationsOf, utf8 } from './test-helpers.ts';
import { WireWriter } from './wire.ts';

// Whatever arrives from outside, every entry point either succeeds or throws an SshError —
// never a TypeError or RangeError from deep inside, never an out-of-bounds read.

function onlySshErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SshError);
  }
}

async function onlySshRejections(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SshError);
  }
}

// A valid signature (the fixture of sshsig.test.ts) to mutate.
const NAMESPACE = 'allmende@coop.example';
const MESSAGE = utf8('member.admitted: Ada Lovelace, vouched for by Grace Hopper\n');
const ARMORED = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgm65w21Pqql53R8aptvlzvASA1y
G9/Fbv5+TVzUSbv+oAAAAVYWxsbWVuZGVAY29vcC5leGFtcGxlAAAAAAAAAAZzaGE1MTIA
AABTAAAAC3NzaC1lZDI1NTE5AAAAQOcnEmrBcsW+aq4l5/+da8dJs4SB52njrbpmr0gCYo
Y81pPIo9h/2FXaH6jN+s5K8mSiLL51b8GDUsVXFlRVJgw=
-----END SSH SIGNATURE-----
`;
const BLOB = dearmorSignature(ARMORED);
const KEY_BLOB = BLOB.subarray(14, 14 + 51);

const INTERESTING_LENGTHS = [
  0, 1, 6, 11, 32, 51, 64, 83, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const interestingUint32 = fc.constantFrom(...INTERESTING_LENGTHS);
const mutatedBlob = mutationsOf(BLOB, INTERESTING_LENGTHS);

/** A string field: right, random, or a length that lies. */
function field(valid: Uint8Array | string): fc.Arbitrary<Uint8Array> {
  const bytes = typeof valid === 'string' ? utf8(valid) : valid;
  return fc.oneof(
    { arbitrary: fc.constant(new WireWriter().writeString(bytes).finish()), weight: 6 },
    fc.uint8Array({ maxLength: 80 }).map((b) => new WireWriter().writeString(b).finish()),
    fc
      .tuple(interestingUint32, fc.uint8Array({ maxLength: 80 }))
      .map(([length, b]) => new WireWriter().writeUint32(length).writeBytes(b).finish()),
  );
}

/** A blob built field by field, each field right or wrong. */
const structuredBlob = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constant(utf8('SSHSIG')), weight: 10 },
      fc.constantFrom(utf8('SSHSIH'), new Uint8Array(0)),
    ),
    fc.oneof({ arbitrary: fc.constant(1), weight: 10 }, interestingUint32),
    field(KEY_BLOB),
    field(NAMESPACE),
    field(new Uint8Array(0)),
    fc.oneof(field('sha512'), field('sha256')),
    field(BLOB.subarray(108)),
    fc.oneof(
      { arbitrary: fc.constant(new Uint8Array(0)), weight: 6 },
      fc.uint8Array({ maxLength: 4 }),
    ),
  )
  .map(([magic, version, ...rest]) => {
    const writer = new WireWriter().writeBytes(magic).writeUint32(version);
    for (const part of rest) writer.writeBytes(part);
    return writer.finish();
  });

const anyBlob = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedBlob, structuredBlob);

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('ssh-ed25519 ', 'ssh-rsa AAAA', '-----BEGIN SSH SIGNATURE-----\n', '\r\n', '='),
);
const textLike = fc.oneof(
  text,
  fc.tuple(text, text, text).map((parts) => parts.join(' ')),
  fc.tuple(text, text).map(([a, b]) => `${a}\n${b}\n`),
  anyBlob.map((blob) => `ssh-ed25519 ${base64(blob)} comment`),
  anyBlob.map((blob) => `-----BEGIN SSH SIGNATURE-----\n${base64(blob)}\n${ARMORED.slice(-28)}`),
);
const anything = fc.oneof(fc.anything(), textLike, fc.uint8Array(), fc.double(), fc.bigInt());

describe('outside input', () => {
  it('yields only SshErrors from random, mutated and lying signature blobs', async () => {
    await fc.assert(
      fc.asyncProperty(anyBlob, async (blob) => {
        const armored = armorSignatureBlob(blob);
        onlySshErrors(() => parseSignature(armored));
        await onlySshRejections(() =>
          verifySignature({ armored, message: MESSAGE, namespace: NAMESPACE }),
        );
        onlySshErrors(() => parsePublicKeyBlob(blob));
        onlySshErrors(() => parsePublicKey(`ssh-ed25519 ${base64(blob)}`));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts none of the mutated blobs, unless the mutation changed nothing', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBlob, async (blob) => {
        const armored = armorSignatureBlob(blob);
        try {
          await verifySignature({ armored, message: MESSAGE, namespace: NAMESPACE });
        } catch (error) {
          expect(error).toBeInstanceOf(SshError);
          return;
        }
        // Only the reserved field may change without the signature failing.
        const parsed = parseSignature(armored);
        expect(formatSignature(parsed)).toBe(ARMORED);
      }),
      { numRuns: 1000 },
    );
  });

  it('yields only SshErrors from text of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(textLike, async (input) => {
        onlySshErrors(() => parsePublicKey(input));
        onlySshErrors(() => parseSignature(input));
        await onlySshRejections(() =>
          verifySignature({ armored: input, message: MESSAGE, namespace: NAMESPACE }),
        );
        await onlySshRejections(() => signedDataFor(MESSAGE, input));
      }),
      { numRuns: 2000 },
    );
  });

  it('yields only SshErrors from arguments of any type', async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, anything, anything, async (a, b, c, d) => {
        onlySshErrors(() => parsePublicKey(a as string));
        onlySshErrors(() => parsePublicKeyBlob(a as Uint8Array));
        onlySshErrors(() => parseSignature(a as string));
        onlySshErrors(() => formatPublicKey(a as SshPublicKey));
        onlySshErrors(() =>
          formatPublicKey({
            type: 'ssh-ed25519',
            key: b as Uint8Array,
            blob: c as Uint8Array,
            comment: d as string,
          }),
        );
        onlySshErrors(() =>
          formatSignature({
            publicKey: a as SshPublicKey,
            namespace: b as string,
            hashAlgorithm: c as 'sha512',
            signature: d as Uint8Array,
          }),
        );
        await onlySshRejections(() => fingerprint(a as SshPublicKey));
        await onlySshRejections(() => signedDataFor(a as Uint8Array, b as string, c as 'sha512'));
        await onlySshRejections(() =>
          verifySignature({
            armored: a as string,
            message: b as Uint8Array,
            namespace: c as string,
            publicKey: d as SshPublicKey,
          }),
        );
        await onlySshRejections(() => verifySignature(a as Parameters<typeof verifySignature>[0]));
      }),
      { numRuns: 1000 },
    );
  });
});
