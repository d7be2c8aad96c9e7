import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatSignature,
  parsePublicKey,
  parseSignature,
  signedDataFor,
  verifySignature,
  type HashAlgorithm,
  type SshPublicKey,
} from './index.ts';
import { armorSignatureBlob, dearmorSignature } from './sshsig.ts';
import {
  base64,
  ed25519SeedOf,
  flipBit,
  generateKey,
  makeTempDir,
  rejectedCode,
  signEd25519,
  sshKeygenSign,
  sshKeygenVerifies,
  thrownCode,
  toHex,
  utf8,
  type GeneratedKey,
} from './test-helpers.ts';
import { WireWriter } from './wire.ts';

// Known answers. The key was generated once with
// `ssh-keygen -t ed25519 -N '' -C fixture@allmende.example`; it is a test fixture and signs
// nothing else. FIXTURE_SIGNATURE is `ssh-keygen -Y sign -n allmende@coop.example` of
// FIXTURE_MESSAGE; FIXTURE_SIGNATURE_SHA256 the same with SHA-256, made by node:crypto over
// signedDataFor (ssh-keygen cannot be told to use SHA-256) and accepted by `ssh-keygen -Y verify`.
const FIXTURE_PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCbrnDbU+qqXndHxqm2+XO8BIDXIb38Vu/n5NXNRJu/6gAAAKBr0kHca9JB
3AAAAAtzc2gtZWQyNTUxOQAAACCbrnDbU+qqXndHxqm2+XO8BIDXIb38Vu/n5NXNRJu/6g
AAAEAAhZCY3I230SGlrZMbjaDbK3XHZkXrA5zc49w85yUgapuucNtT6qped0fGqbb5c7wE
gNchvfxW7+fk1c1Em7/qAAAAGGZpeHR1cmVAYWxsbWVuZGUuZXhhbXBsZQECAwQF
-----END OPENSSH PRIVATE KEY-----
`;
const FIXTURE_PUBLIC_KEY_LINE =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJuucNtT6qped0fGqbb5c7wEgNchvfxW7+fk1c1Em7/q fixture@allmende.example';
const FIXTURE_NAMESPACE = 'allmende@coop.example';
const FIXTURE_MESSAGE = utf8('member.admitted: Ada Lovelace, vouched for by Grace Hopper\n');
const FIXTURE_SIGNATURE = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgm65w21Pqql53R8aptvlzvASA1y
G9/Fbv5+TVzUSbv+oAAAAVYWxsbWVuZGVAY29vcC5leGFtcGxlAAAAAAAAAAZzaGE1MTIA
AABTAAAAC3NzaC1lZDI1NTE5AAAAQOcnEmrBcsW+aq4l5/+da8dJs4SB52njrbpmr0gCYo
Y81pPIo9h/2FXaH6jN+s5K8mSiLL51b8GDUsVXFlRVJgw=
-----END SSH SIGNATURE-----
`;
const FIXTURE_SIGNATURE_SHA256 = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgm65w21Pqql53R8aptvlzvASA1y
G9/Fbv5+TVzUSbv+oAAAAVYWxsbWVuZGVAY29vcC5leGFtcGxlAAAAAAAAAAZzaGEyNTYA
AABTAAAAC3NzaC1lZDI1NTE5AAAAQPeF/f25FbG0a4nxVJnvnqigcgDiXUBXrdHKTSfqio
lXjQ5oVHEGJyi2KK8gJYv0Gu/7wtFEf122hR9CXd/rKgk=
-----END SSH SIGNATURE-----
`;

const fixtureKey = parsePublicKey(FIXTURE_PUBLIC_KEY_LINE);

/** An SSHSIG blob with every field under the test's control (PROTOCOL.sshsig §2). */
function sshsigBlob(fields: {
  magic?: string;
  version?: number;
  publicKey?: Uint8Array;
  namespace?: string | Uint8Array;
  reserved?: Uint8Array;
  hashAlgorithm?: string;
  signatureAlgorithm?: string;
  signature?: Uint8Array;
  trailing?: Uint8Array;
}): Uint8Array {
  return new WireWriter()
    .writeBytes(utf8(fields.magic ?? 'SSHSIG'))
    .writeUint32(fields.version ?? 1)
    .writeString(fields.publicKey ?? fixtureKey.blob)
    .writeString(fields.namespace ?? FIXTURE_NAMESPACE)
    .writeString(fields.reserved ?? new Uint8Array(0))
    .writeString(fields.hashAlgorithm ?? 'sha512')
    .writeString(
      new WireWriter()
        .writeString(fields.signatureAlgorithm ?? 'ssh-ed25519')
        .writeString(fields.signature ?? new Uint8Array(64))
        .finish(),
    )
    .writeBytes(fields.trailing ?? new Uint8Array(0))
    .finish();
}

/** The blob of an armoured signature, changed by `change`, armoured again. */
function rearmored(armored: string, change: (blob: Uint8Array) => Uint8Array): string {
  return armorSignatureBlob(change(dearmorSignature(armored)));
}

/** The offset of the 64 Ed25519 signature bytes, the end of an ssh-ed25519 SSHSIG blob. */
function signatureOffset(blob: Uint8Array): number {
  return blob.length - 64;
}

let temp: { dir: string; remove: () => Promise<void> };
let alice: GeneratedKey;
let bob: GeneratedKey;
let aliceKey: SshPublicKey;
let bobKey: SshPublicKey;

beforeAll(async () => {
  temp = await makeTempDir();
  [alice, bob] = await Promise.all([generateKey(temp.dir, 'alice'), generateKey(temp.dir, 'bob')]);
  aliceKey = parsePublicKey(alice.publicKeyLine);
  bobKey = parsePublicKey(bob.publicKeyLine);
});

afterAll(async () => {
  await temp.remove();
});

/** What verifySignature says about a signature by alice: 'valid' or the error code. */
async function verdict(
  armored: string,
  message: Uint8Array,
  namespace: string,
  publicKey: SshPublicKey | undefined,
): Promise<string> {
  const code = await rejectedCode(() =>
    verifySignature({ armored, message, namespace, publicKey }),
  );
  return code === 'no error' ? 'valid' : code;
}

describe('known answers', () => {
  it('parse the fixture signature', () => {
    const signature = parseSignature(FIXTURE_SIGNATURE);
    expect(signature.publicKey).toEqual({ ...fixtureKey, comment: '' });
    expect(signature.namespace).toBe(FIXTURE_NAMESPACE);
    expect(signature.hashAlgorithm).toBe('sha512');
    expect(signature.signatureAlgorithm).toBe('ssh-ed25519');
    expect(toHex(signature.signature)).toBe(
      'e727126ac172c5be6aae25e7ff9d6bc749b38481e769e3adba66af480262863c' +
        'd693c8a3d87fd855da1fa8cdface4af264a22cbe756fc18352c557165455260c',
    );
    expect(base64(signature.blob)).toBe(FIXTURE_SIGNATURE.split('\n').slice(1, 5).join(''));
  });

  it('verify the fixture signatures, SHA-512 and SHA-256', async () => {
    for (const [armored, hashAlgorithm] of [
      [FIXTURE_SIGNATURE, 'sha512'],
      [FIXTURE_SIGNATURE_SHA256, 'sha256'],
    ] as const) {
      for (const publicKey of [fixtureKey, undefined]) {
        const result = await verifySignature({
          armored,
          message: FIXTURE_MESSAGE,
          namespace: FIXTURE_NAMESPACE,
          publicKey,
        });
        expect(result.hashAlgorithm).toBe(hashAlgorithm);
        expect(result.publicKey.key).toEqual(fixtureKey.key);
      }
    }
  });

  it('format the fixture signatures byte for byte as ssh-keygen', async () => {
    const seed = ed25519SeedOf(FIXTURE_PRIVATE_KEY);
    for (const [armored, hashAlgorithm] of [
      [FIXTURE_SIGNATURE, 'sha512'],
      [FIXTURE_SIGNATURE_SHA256, 'sha256'],
    ] as const) {
      expect(formatSignature(parseSignature(armored))).toBe(armored);
      const data = await signedDataFor(FIXTURE_MESSAGE, FIXTURE_NAMESPACE, hashAlgorithm);
      const signature = signEd25519(seed, data);
      expect(
        formatSignature({
          publicKey: fixtureKey,
          namespace: FIXTURE_NAMESPACE,
          hashAlgorithm,
          signature,
        }),
      ).toBe(armored);
    }
  });

  it('build the signed data of PROTOCOL.sshsig §3', async () => {
    const empty = await signedDataFor(new Uint8Array(0), 'file', 'sha256');
    expect(toHex(empty)).toBe(
      toHex(utf8('SSHSIG')) +
        '00000004' +
        toHex(utf8('file')) +
        '00000000' +
        '00000006' +
        toHex(utf8('sha256')) +
        '00000020' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const abc = await signedDataFor(utf8('abc'), 'file');
    expect(toHex(abc.subarray(-68))).toBe(
      '00000040' +
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
});

describe('signatures of ssh-keygen', () => {
  const messages = {
    empty: new Uint8Array(0),
    text: utf8('access.approved: request 17 for mail.coop.example\n'),
    binary: Uint8Array.from({ length: 1000 }, (_, i) => (i * 151) % 256),
    large: new Uint8Array(3 * 1024 * 1024).fill(0x61),
  };

  it('verify, SHA-512 as ssh-keygen -Y sign makes them', async () => {
    for (const [what, message] of Object.entries(messages)) {
      const armored = await sshKeygenSign(alice, FIXTURE_NAMESPACE, message);
      const result = await verifySignature({
        armored,
        message,
        namespace: FIXTURE_NAMESPACE,
        publicKey: aliceKey,
      });
      expect(result.hashAlgorithm, what).toBe('sha512');
      expect(result.publicKey.key, what).toEqual(aliceKey.key);
      expect(formatSignature(parseSignature(armored)), what).toBe(armored);
    }
  });

  it('verify in namespaces with any characters that ssh-keygen takes', async () => {
    for (const namespace of ['file', 'git', 'allmende@coöp.example', 'a b', '🌱']) {
      const armored = await sshKeygenSign(alice, namespace, messages.text);
      expect(await verdict(armored, messages.text, namespace, aliceKey)).toBe('valid');
      expect(parseSignature(armored).namespace).toBe(namespace);
    }
  });

  it('are what node:crypto signs over signedDataFor, and SHA-256 ones are accepted by ssh-keygen', async () => {
    const seed = ed25519SeedOf(alice.privateKey);
    for (const hashAlgorithm of ['sha512', 'sha256'] as const) {
      for (const [what, message] of Object.entries(messages)) {
        const data = await signedDataFor(message, FIXTURE_NAMESPACE, hashAlgorithm);
        const armored = formatSignature({
          publicKey: aliceKey,
          namespace: FIXTURE_NAMESPACE,
          hashAlgorithm,
          signature: signEd25519(seed, data),
        });
        if (hashAlgorithm === 'sha512') {
          // Ed25519 is deterministic: the same bytes as ssh-keygen's own signature.
          expect(armored, what).toBe(await sshKeygenSign(alice, FIXTURE_NAMESPACE, message));
        }
        const accepted = await sshKeygenVerifies(temp.dir, {
          publicKeyLine: alice.publicKeyLine,
          namespace: FIXTURE_NAMESPACE,
          armored,
          message,
        });
        expect(accepted, `${hashAlgorithm} ${what}`).toBe(true);
        const result = await verifySignature({
          armored,
          message,
          namespace: FIXTURE_NAMESPACE,
        });
        expect(result.hashAlgorithm).toBe(hashAlgorithm);
      }
    }
  });

  it('verify with the armour wrapped otherwise, with CRLF, or without the last line ending', async () => {
    const armored = await sshKeygenSign(alice, FIXTURE_NAMESPACE, messages.text);
    const lines = armored.trimEnd().split('\n');
    const base64Text = lines.slice(1, -1).join('');
    const wrapped = (width: number) =>
      [lines[0], ...(base64Text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []), lines.at(-1)].join(
        '\n',
      );
    for (const variant of [
      wrapped(76),
      wrapped(64),
      wrapped(4),
      wrapped(10_000),
      armored.replaceAll('\n', '\r\n'),
      armored.trimEnd(),
      `${armored}\n\n`,
    ]) {
      expect(await verdict(variant, messages.text, FIXTURE_NAMESPACE, aliceKey)).toBe('valid');
    }
  });
});

describe('refusals', () => {
  const message = utf8('access.approved: request 17\n');
  let armored: string;

  beforeAll(async () => {
    armored = await sshKeygenSign(alice, FIXTURE_NAMESPACE, message);
  });

  /** Whether ssh-keygen -Y verify accepts the signature from alice. */
  function sshKeygenAccepts(
    signature: string,
    options: { message?: Uint8Array; namespace?: string; key?: GeneratedKey } = {},
  ): Promise<boolean> {
    return sshKeygenVerifies(temp.dir, {
      publicKeyLine: (options.key ?? alice).publicKeyLine,
      namespace: options.namespace ?? FIXTURE_NAMESPACE,
      armored: signature,
      message: options.message ?? message,
    });
  }

  it('refuse a signature for another namespace', async () => {
    expect(await verdict(armored, message, 'git', aliceKey)).toBe('SSH_BAD_SIGNATURE');
    await expect(verifySignature({ armored, message, namespace: 'git' })).rejects.toThrow(
      'the signature is for the namespace "allmende@coop.example", not "git"',
    );
    expect(await sshKeygenAccepts(armored, { namespace: 'git' })).toBe(false);
  });

  it('refuse an empty namespace, as ssh-keygen does', async () => {
    expect(await verdict(armored, message, '', aliceKey)).toBe('SSH_BAD_ARGUMENT');
    expect(await sshKeygenAccepts(armored, { namespace: '' })).toBe(false);
    const blob = sshsigBlob({ namespace: '' });
    expect(thrownCode(() => parseSignature(armorSignatureBlob(blob)))).toBe('SSH_BAD_SIGNATURE');
    expect(await rejectedCode(() => signedDataFor(message, ''))).toBe('SSH_BAD_ARGUMENT');
  });

  it('refuse a message with one flipped bit', async () => {
    for (const bit of [0, 7, 100, message.length * 8 - 1]) {
      const altered = flipBit(message, bit);
      expect(await verdict(armored, altered, FIXTURE_NAMESPACE, aliceKey)).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await sshKeygenAccepts(armored, { message: altered })).toBe(false);
    }
    expect(
      await verdict(armored, utf8('access.approved: request 17'), FIXTURE_NAMESPACE, undefined),
    ).toBe('SSH_BAD_SIGNATURE');
  });

  it('refuse a signature with one flipped bit', async () => {
    for (const bit of [0, 255, 256, 511]) {
      const altered = rearmored(armored, (blob) => flipBit(blob, signatureOffset(blob) * 8 + bit));
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, aliceKey)).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, undefined)).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await sshKeygenAccepts(altered)).toBe(false);
    }
  });

  it('refuse a signature whose embedded key has one flipped bit', async () => {
    // The key's 32 bytes start after "SSHSIG", the version, the blob's length and the type.
    const keyOffset = 6 + 4 + 4 + 4 + 11 + 4;
    for (const bit of [0, 100, 255]) {
      const altered = rearmored(armored, (blob) => flipBit(blob, keyOffset * 8 + bit));
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, aliceKey)).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, undefined)).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await sshKeygenAccepts(altered)).toBe(false);
    }
  });

  it('refuse a signature by another key than the one expected', async () => {
    const byBob = await sshKeygenSign(bob, FIXTURE_NAMESPACE, message);
    expect(await verdict(byBob, message, FIXTURE_NAMESPACE, undefined)).toBe('valid');
    expect(await verdict(byBob, message, FIXTURE_NAMESPACE, bobKey)).toBe('valid');
    expect(await verdict(byBob, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_BAD_SIGNATURE');
    await expect(
      verifySignature({
        armored: byBob,
        message,
        namespace: FIXTURE_NAMESPACE,
        publicKey: aliceKey,
      }),
    ).rejects.toThrow(/^the signature was made by the key SHA256:\S+, not SHA256:\S+$/);
    expect(await sshKeygenAccepts(byBob)).toBe(false);
    expect(await sshKeygenAccepts(byBob, { key: bob })).toBe(true);
  });

  it('refuse a signature by one key that names another', async () => {
    const byBob = await sshKeygenSign(bob, FIXTURE_NAMESPACE, message);
    const claimsAlice = rearmored(byBob, (blob) =>
      sshsigBlob({ publicKey: aliceKey.blob, signature: blob.subarray(signatureOffset(blob)) }),
    );
    expect(await verdict(claimsAlice, message, FIXTURE_NAMESPACE, aliceKey)).toBe(
      'SSH_BAD_SIGNATURE',
    );
    expect(await sshKeygenAccepts(claimsAlice, { namespace: FIXTURE_NAMESPACE })).toBe(false);
  });

  it('refuse truncated armour', async () => {
    const cuts = [1, 20, 40, 60, 100, 200, armored.length - 10, armored.length - 29];
    for (const cut of cuts) {
      const truncated = armored.slice(0, cut);
      expect(await verdict(truncated, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_BAD_ARMOR');
      expect(await sshKeygenAccepts(truncated)).toBe(false);
    }
    // The footer right after a shortened body: the base64 or the blob is cut short.
    const lines = armored.split('\n');
    for (const drop of [1, 2, 3]) {
      const shortened = [...lines.slice(0, 5 - drop), ...lines.slice(5)].join('\n');
      expect(['SSH_BAD_ARMOR', 'SSH_BAD_SIGNATURE']).toContain(
        await verdict(shortened, message, FIXTURE_NAMESPACE, aliceKey),
      );
      expect(await sshKeygenAccepts(shortened)).toBe(false);
    }
    const shortBlob = rearmored(armored, (blob) => blob.subarray(0, blob.length - 1));
    expect(await verdict(shortBlob, message, FIXTURE_NAMESPACE, aliceKey)).toBe(
      'SSH_BAD_SIGNATURE',
    );
    expect(await sshKeygenAccepts(shortBlob)).toBe(false);
  });

  it('refuse text after the footer (which ssh-keygen ignores)', async () => {
    for (const junk of [`${armored}junk\n`, `${armored}\n${armored}`, `${armored} `]) {
      expect(await verdict(junk, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_BAD_ARMOR');
    }
    expect(await sshKeygenAccepts(`${armored}junk\n`)).toBe(true);
  });

  it('refuse a wrong header or footer, or text before the header', async () => {
    const variants = [
      armored.replace('BEGIN SSH SIGNATURE', 'BEGIN SSH SIGNATURES'),
      armored.replace('BEGIN SSH SIGNATURE', 'BEGIN PGP SIGNATURE'),
      armored.replace('END SSH SIGNATURE', 'END PGP SIGNATURE'),
      armored.replace('-----\n', '----- \n'),
      `\n${armored}`,
      `\uFEFF${armored}`,
      `Signature:\n${armored}`,
      armored.replace('\n', '\n\n'),
      armored.replace(/\n(?=[^\n]*\n-----END)/, '\n \n'),
      armored.replaceAll('\n', '\r'),
      '',
    ];
    for (const variant of variants) {
      expect(await verdict(variant, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_BAD_ARMOR');
    }
  });

  it('refuse base64 that is not canonical', () => {
    const blob = dearmorSignature(armored);
    const base64Text = base64(blob);
    expect(base64Text).toMatch(/=$/);
    const header = '-----BEGIN SSH SIGNATURE-----\n';
    const footer = '\n-----END SSH SIGNATURE-----\n';
    for (const body of [
      base64Text.replace(/=+$/, ''),
      base64Text.replace(/.=$/, 'x='),
      base64Text.replace('A', '-'),
      `${base64Text.slice(0, 10)}=${base64Text.slice(10)}`,
      `${base64Text.slice(0, 10)} ${base64Text.slice(10)}`,
    ]) {
      expect(thrownCode(() => parseSignature(`${header}${body}${footer}`))).toBe('SSH_BAD_ARMOR');
    }
  });

  it('refuse blobs with wrong magic, version, trailing data or a mislabelled signature', async () => {
    const signature = dearmorSignature(armored).subarray(-64);
    const cases = {
      'the magic': sshsigBlob({ magic: 'SSHSIH', signature }),
      'version 2': sshsigBlob({ version: 2, signature }),
      'trailing data': sshsigBlob({ signature, trailing: Uint8Array.of(0) }),
      'an RSA label': sshsigBlob({ signatureAlgorithm: 'rsa-sha2-512', signature }),
      'a short signature': sshsigBlob({ signature: signature.subarray(1) }),
      'a truncated key': sshsigBlob({ publicKey: aliceKey.blob.subarray(0, 50), signature }),
    };
    for (const [what, blob] of Object.entries(cases)) {
      const altered = armorSignatureBlob(blob);
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, aliceKey), what).toBe(
        'SSH_BAD_SIGNATURE',
      );
      expect(await sshKeygenAccepts(altered), what).toBe(false);
    }
    // ssh-keygen takes version 0 (it refuses only versions above 1); this refuses it.
    const version0 = armorSignatureBlob(
      sshsigBlob({ version: 0, publicKey: aliceKey.blob, signature }),
    );
    expect(await verdict(version0, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_BAD_SIGNATURE');
  });

  it('ignore the reserved field, as the specification says and ssh-keygen does', async () => {
    const signature = dearmorSignature(armored).subarray(-64);
    const reserved = armorSignatureBlob(
      sshsigBlob({ publicKey: aliceKey.blob, reserved: utf8('tag'), signature }),
    );
    expect(await verdict(reserved, message, FIXTURE_NAMESPACE, aliceKey)).toBe('valid');
    expect(await sshKeygenAccepts(reserved)).toBe(true);
  });

  it('refuse hash algorithms other than sha512 and sha256', async () => {
    const seed = ed25519SeedOf(alice.privateKey);
    for (const [name, digest] of [
      ['sha384', 'sha384'],
      ['sha1', 'sha1'],
      ['SHA512', 'sha512'],
    ] as const) {
      // A signature that would be valid if the hash algorithm were allowed.
      const data = new WireWriter()
        .writeBytes(utf8('SSHSIG'))
        .writeString(FIXTURE_NAMESPACE)
        .writeString(new Uint8Array(0))
        .writeString(name)
        .writeString(createHash(digest).update(message).digest())
        .finish();
      const altered = armorSignatureBlob(
        sshsigBlob({
          publicKey: aliceKey.blob,
          hashAlgorithm: name,
          signature: signEd25519(seed, data),
        }),
      );
      expect(await verdict(altered, message, FIXTURE_NAMESPACE, aliceKey)).toBe('SSH_UNSUPPORTED');
      expect(await sshKeygenAccepts(altered)).toBe(false);
    }
    expect(
      await rejectedCode(() => signedDataFor(message, 'file', 'sha384' as HashAlgorithm)),
    ).toBe('SSH_BAD_ARGUMENT');
  });

  it('refuse ECDSA and RSA signatures as unsupported', async () => {
    for (const type of ['ecdsa', 'rsa'] as const) {
      const key = await generateKey(temp.dir, type, type);
      const signature = await sshKeygenSign(key, FIXTURE_NAMESPACE, message);
      expect(await sshKeygenAccepts(signature, { key })).toBe(true);
      expect(thrownCode(() => parseSignature(signature))).toBe('SSH_UNSUPPORTED');
      expect(await verdict(signature, message, FIXTURE_NAMESPACE, undefined)).toBe(
        'SSH_UNSUPPORTED',
      );
      await expect(
        verifySignature({ armored: signature, message, namespace: FIXTURE_NAMESPACE }),
      ).rejects.toThrow(/only ssh-ed25519 keys are accepted/);
    }
  });

  it('refuse absurd lengths inside the blob', async () => {
    const blob = dearmorSignature(armored);
    // Each length field of the blob, in turn, set to 0xffffffff, 2^31 or one past the end:
    // public key, key type, key, namespace, reserved, hash algorithm, signature, its
    // algorithm, its bytes.
    expect(blob.length).toBe(191);
    for (const offset of [10, 14, 29, 65, 90, 94, 104, 108, 123]) {
      for (const length of [0xffffffff, 0x80000000, blob.length]) {
        const altered = blob.slice();
        new DataView(altered.buffer).setUint32(offset, length);
        const code = await verdict(
          armorSignatureBlob(altered),
          message,
          FIXTURE_NAMESPACE,
          aliceKey,
        );
        expect(code).toMatch(/^SSH_(BAD_SIGNATURE|UNSUPPORTED)$/);
      }
    }
  });

  it('refuse every single bit flip anywhere in the blob, with SshErrors only', async () => {
    const blob = dearmorSignature(armored);
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const altered = armorSignatureBlob(flipBit(blob, bit));
      const code = await verdict(altered, message, FIXTURE_NAMESPACE, aliceKey);
      expect(code, `bit ${bit}`).toMatch(/^SSH_(BAD_SIGNATURE|UNSUPPORTED)$/);
    }
  });

  it('refuse arguments of the wrong kind', async () => {
    const cases: unknown[] = [
      null,
      { armored, message: 'text', namespace: FIXTURE_NAMESPACE },
      { armored, message, namespace: 7 },
      { armored, message, namespace: 'a\0b' },
      { armored, message, namespace: '\uD800' },
    ];
    for (const options of cases) {
      expect(
        await rejectedCode(() => verifySignature(options as Parameters<typeof verifySignature>[0])),
      ).toBe('SSH_BAD_ARGUMENT');
    }
    expect(
      await rejectedCode(() =>
        verifySignature({
          armored,
          message,
          namespace: FIXTURE_NAMESPACE,
          publicKey: { ...aliceKey, key: new Uint8Array(31) },
        }),
      ),
    ).toBe('SSH_BAD_KEY');
    expect(
      await rejectedCode(() =>
        verifySignature({ armored: 42 as unknown as string, message, namespace: 'x' }),
      ),
    ).toBe('SSH_BAD_ARMOR');
    expect(
      thrownCode(() =>
        formatSignature({
          publicKey: aliceKey,
          namespace: FIXTURE_NAMESPACE,
          hashAlgorithm: 'sha512',
          signature: new Uint8Array(63),
        }),
      ),
    ).toBe('SSH_BAD_ARGUMENT');
    expect(
      thrownCode(() => parseSignature(`-----BEGIN SSH SIGNATURE-----\n${'A'.repeat(70_000)}`)),
    ).toBe('SSH_BAD_ARMOR');
  });
});
