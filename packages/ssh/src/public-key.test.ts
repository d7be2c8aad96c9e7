import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  formatPublicKey,
  parsePublicKey,
  parsePublicKeyBlob,
  type SshPublicKey,
} from './index.ts';
import {
  base64,
  fromBase64,
  generateKey,
  makeTempDir,
  rejectedCode,
  sshKeygen,
  sshKeygenFingerprint,
  thrownCode,
  toHex,
  type GeneratedKey,
} from './test-helpers.ts';
import { WireWriter } from './wire.ts';

// Generated once with `ssh-keygen -t ed25519 -C fixture@allmende.example`; its fingerprint as
// `ssh-keygen -lf` printed it.
const FIXTURE_PUBLIC_KEY_LINE =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJuucNtT6qped0fGqbb5c7wEgNchvfxW7+fk1c1Em7/q fixture@allmende.example';
const FIXTURE_FINGERPRINT = 'SHA256:CsMNayKdUb7hq97fMPAoDIzoBwOGWMF9DY47Cq2ffwU';
const FIXTURE_KEY = '9bae70db53eaaa5e7747c6a9b6f973bc0480d721bdfc56efe7e4d5cd449bbfea';

function blob(...fields: (string | Uint8Array)[]): string {
  const writer = new WireWriter();
  for (const field of fields) writer.writeString(field);
  return base64(writer.finish());
}

const KEY = new Uint8Array(32).fill(7);

let temp: { dir: string; remove: () => Promise<void> };
let alice: GeneratedKey;

beforeAll(async () => {
  temp = await makeTempDir();
  alice = await generateKey(temp.dir, 'alice');
});

afterAll(async () => {
  await temp.remove();
});

describe('public key lines', () => {
  it('parse the fixture key', async () => {
    const key = parsePublicKey(FIXTURE_PUBLIC_KEY_LINE);
    expect(key.type).toBe('ssh-ed25519');
    expect(toHex(key.key)).toBe(FIXTURE_KEY);
    expect(base64(key.blob)).toBe(FIXTURE_PUBLIC_KEY_LINE.split(' ')[1]);
    expect(key.comment).toBe('fixture@allmende.example');
    expect(formatPublicKey(key)).toBe(FIXTURE_PUBLIC_KEY_LINE);
    expect(await fingerprint(key)).toBe(FIXTURE_FINGERPRINT);
  });

  it('round-trip a key that ssh-keygen made, with the fingerprint that ssh-keygen -l prints', async () => {
    const key = parsePublicKey(alice.publicKeyLine);
    expect(key.comment).toBe('alice@allmende.test');
    expect(formatPublicKey(key)).toBe(alice.publicKeyLine);
    expect(await fingerprint(key)).toBe(await sshKeygenFingerprint(temp.dir, alice.publicKeyLine));
    expect(parsePublicKeyBlob(key.blob)).toEqual({ ...key, comment: '' });
  });

  it('agree with ssh-keygen on the fingerprints of many keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (key) => {
        const line = `ssh-ed25519 ${blob('ssh-ed25519', key)}`;
        expect(await fingerprint(parsePublicKey(line))).toBe(
          await sshKeygenFingerprint(temp.dir, line),
        );
      }),
      { numRuns: 10 },
    );
  });

  it('accept the forms of authorized_keys and .pub files', () => {
    const data = blob('ssh-ed25519', KEY);
    for (const [line, comment] of [
      [`ssh-ed25519 ${data}`, ''],
      [`ssh-ed25519 ${data}\n`, ''],
      [`ssh-ed25519 ${data} a comment with  spaces\r\n`, 'a comment with  spaces'],
      [`  ssh-ed25519\t${data}\tmember@coop  `, 'member@coop'],
      [`ssh-ed25519 ${data} ünïcödé`, 'ünïcödé'],
    ] as const) {
      const key = parsePublicKey(line);
      expect(key.key).toEqual(KEY);
      expect(key.comment).toBe(comment);
    }
  });

  it('refuse other key types as unsupported, saying that only ssh-ed25519 is accepted', async () => {
    const rsa = await generateKey(temp.dir, 'rsa', 'rsa');
    const ecdsa = await generateKey(temp.dir, 'ecdsa', 'ecdsa');
    const sk = `sk-ssh-ed25519@openssh.com ${blob('sk-ssh-ed25519@openssh.com', KEY, 'ssh:')}`;
    const future = `ssh-mldsa44 ${blob('ssh-mldsa44', KEY)}`;
    for (const line of [rsa.publicKeyLine, ecdsa.publicKeyLine, sk, future, 'ssh-dss AAAA']) {
      expect(thrownCode(() => parsePublicKey(line))).toBe('SSH_UNSUPPORTED');
    }
    expect(() => parsePublicKey(rsa.publicKeyLine)).toThrow(
      `only ssh-ed25519 keys are accepted (the cooperative's policy), not a key of type "ssh-rsa"`,
    );
    expect(thrownCode(() => parsePublicKeyBlob(fromBase64(rsa.publicKeyLine.split(' ')[1]!)))).toBe(
      'SSH_UNSUPPORTED',
    );
  });

  it('refuse certificates as unsupported', async () => {
    const ca = await generateKey(temp.dir, 'ca');
    const signed = await sshKeygen([
      '-q',
      '-s',
      ca.path,
      '-I',
      'test',
      '-n',
      'root',
      `${alice.path}.pub`,
    ]);
    expect(signed.exitCode).toBe(0);
    const certificate = await readFile(join(temp.dir, 'alice-cert.pub'), 'utf8');
    expect(certificate).toMatch(/^ssh-ed25519-cert-v01@openssh.com /);
    expect(() => parsePublicKey(certificate)).toThrow(/not a certificate/);
    expect(thrownCode(() => parsePublicKey(certificate))).toBe('SSH_UNSUPPORTED');
  });

  it('refuse malformed lines', () => {
    const data = blob('ssh-ed25519', KEY);
    const lines = {
      empty: '',
      blank: ' \t\n',
      'a type alone': 'ssh-ed25519',
      'a type alone with a comment marker': 'ssh-ed25519 #',
      'options before the type': `restrict,command="x" ssh-ed25519 ${data}`,
      'a comment line': `# ssh-ed25519 ${data}`,
      'two lines': `ssh-ed25519 ${data}\nssh-ed25519 ${data}`,
      'a line ending inside': `ssh-ed25519 ${data} a\rb`,
      'a control character in the comment': `ssh-ed25519 ${data} \x1b[31mred`,
      base64url: `ssh-ed25519 ${data.slice(0, 8)}-_${data.slice(10)}`,
      'whitespace inside the base64': `ssh-ed25519 ${data.slice(0, 8)}\t${data.slice(8)}`,
      'not base64': 'ssh-ed25519 !!!!',
      'a key too short': `ssh-ed25519 ${blob('ssh-ed25519', KEY.subarray(1))}`,
      'a key too long': `ssh-ed25519 ${blob('ssh-ed25519', new Uint8Array(33))}`,
      'trailing bytes': `ssh-ed25519 ${blob('ssh-ed25519', KEY, '')}`,
      'a truncated key': `ssh-ed25519 ${base64(fromBase64(data).subarray(0, 40))}`,
      'an absurd length': `ssh-ed25519 ${base64(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x73))}`,
      'another type inside': `ssh-ed25519 ${blob('ssh-rsa', KEY)}`,
      'no type inside': `ssh-ed25519 ${base64(new Uint8Array(3))}`,
      'an unknown type': `ed25519 ${data}`,
      'far too long': `ssh-ed25519 ${data} ${'x'.repeat(20_000)}`,
    };
    for (const [what, line] of Object.entries(lines)) {
      expect(
        thrownCode(() => parsePublicKey(line)),
        what,
      ).toBe('SSH_BAD_KEY');
    }
    expect(thrownCode(() => parsePublicKey(42 as unknown as string))).toBe('SSH_BAD_KEY');
    expect(() => parsePublicKey(lines['another type inside'])).toThrow(
      'the line says ssh-ed25519 but the key inside is "ssh-rsa"',
    );
  });

  it('refuse malformed blobs', () => {
    for (const bytes of [
      new Uint8Array(0),
      fromBase64(blob('ssh-ed25519')),
      fromBase64(blob('ssh-ed25519', KEY, KEY)),
      fromBase64(blob('\0ssh-ed25519', KEY)),
    ]) {
      expect(thrownCode(() => parsePublicKeyBlob(bytes))).toBe('SSH_BAD_KEY');
    }
    expect(thrownCode(() => parsePublicKeyBlob('AAAA' as unknown as Uint8Array))).toBe(
      'SSH_BAD_KEY',
    );
  });

  it('refuse to format or fingerprint what is not a well-formed key', async () => {
    const key = parsePublicKey(FIXTURE_PUBLIC_KEY_LINE);
    const bad: unknown[] = [
      null,
      'ssh-ed25519 AAAA',
      { ...key, type: 'ssh-rsa' },
      { ...key, key: key.key.subarray(1) },
      { ...key, key: Array.from(key.key) },
      { ...key, blob: key.blob.subarray(1) },
      { ...key, key: new Uint8Array(32) },
      { ...key, comment: undefined },
    ];
    for (const value of bad) {
      expect(thrownCode(() => formatPublicKey(value as SshPublicKey))).toBe('SSH_BAD_KEY');
      expect(await rejectedCode(() => fingerprint(value as SshPublicKey))).toBe('SSH_BAD_KEY');
    }
    expect(thrownCode(() => formatPublicKey({ ...key, comment: 'a\nssh-ed25519 AAAA' }))).toBe(
      'SSH_BAD_KEY',
    );
  });

  it('round-trip any key and comment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        // eslint-disable-next-line no-control-regex
        fc.stringMatching(/^[^\x00-\x1f\x7f \t]([^\x00-\x08\x0a-\x1f\x7f]*[^\x00-\x1f\x7f \t])?$/),
        (key, comment) => {
          const line = `ssh-ed25519 ${blob('ssh-ed25519', key)} ${comment}`;
          const parsed = parsePublicKey(line);
          expect(parsed.key).toEqual(key);
          expect(parsed.comment).toBe(comment);
          expect(formatPublicKey(parsed)).toBe(line);
        },
      ),
    );
  });
});
