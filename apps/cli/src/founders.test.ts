import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodesOf } from '../../../test/support/error-codes.ts';
import { generateKey, type TestKey } from '../test/support/ssh-keys.ts';
import { CliError } from './cli.ts';
import { parseFounderSpec, readFoundersFile, resolveFounders } from './founders.ts';

const { thrownCode, rejectedCode } = errorCodesOf(CliError);

let dir: string;
let alice: TestKey;
let bob: TestKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-founders-'));
  [alice, bob] = await Promise.all([generateKey(dir, 'alice'), generateKey(dir, 'bob')]);
});

const spec = (fields: string, source = '--founder 1') => parseFounderSpec(fields, source, dir);

describe('parseFounderSpec', () => {
  it('reads the fields; a comma ends a field only where the next one begins', () => {
    expect(
      spec('handle=alice,name=Example, Alice ,email=a@example.org,key=alice.pub,key=x'),
    ).toEqual({
      source: '--founder 1',
      handle: 'alice',
      name: 'Example, Alice',
      email: 'a@example.org',
      keys: ['alice.pub', 'x'],
      baseDir: dir,
    });
  });

  it('refuses unknown, repeated and shapeless fields', () => {
    expect(() => spec('handle=alice,role=admin')).toThrow(
      '--founder 1: unknown field "role" (fields: handle, name, email, key)',
    );
    expect(() => spec('handle=alice,handle=bob')).toThrow('--founder 1: handle is given twice');
    expect(thrownCode(() => spec('alice'))).toBe('CLI_BAD_INPUT');
  });
});

describe('resolveFounders', () => {
  it('normalises handles and keys: NFKC, lower case, no key comment', async () => {
    const founders = await resolveFounders([
      spec(`handle=ALICE,name=Alice Example,email=alice@example.org,key=${alice.path}.pub`),
      spec(`handle=bob,name=Bob,email=bob@example.org,key=${bob.line}`, '--founder 2'),
    ]);
    expect(founders).toEqual([
      {
        handle: 'alice',
        name: 'Alice Example',
        email: 'alice@example.org',
        keys: [{ kind: 'ssh', publicKey: alice.canonical }],
      },
      {
        handle: 'bob',
        name: 'Bob',
        email: 'bob@example.org',
        keys: [{ kind: 'ssh', publicKey: bob.canonical }],
      },
    ]);
    // A private key's path means the .pub beside it.
    const [fromPrivate] = await resolveFounders([
      spec(`handle=alice,name=A,email=a@example.org,key=alice`),
    ]);
    expect(fromPrivate?.keys).toEqual([{ kind: 'ssh', publicKey: alice.canonical }]);
  });

  it('refuses a handle that collides after NFKC and lower case', async () => {
    const drafts = [
      spec(`handle=alice,name=Alice,email=a@example.org,key=${alice.line}`),
      spec(`handle=Ａlice,name=Impostor,email=i@example.org,key=${bob.line}`, '--founder 2'),
    ];
    await expect(resolveFounders(drafts)).rejects.toThrow(
      '--founder 2 (Ａlice): the handle "alice" is already --founder 1\'s (handles are compared after NFKC and lower case)',
    );
  });

  it('refuses the same key for two founders', async () => {
    await expect(
      resolveFounders([
        spec(`handle=alice,name=Alice,email=a@example.org,key=${alice.line}`),
        spec(`handle=bob,name=Bob,email=b@example.org,key=${alice.path}.pub`, '--founder 2'),
      ]),
    ).rejects.toThrow(
      `--founder 2 (bob): the key ${alice.fingerprint} is already --founder 1 (alice)'s`,
    );
  });

  it('names the founder and the field of every mistake', async () => {
    const cases: [string, string][] = [
      [`name=A,email=a@example.org,key=${alice.line}`, '--founder 1: handle is missing'],
      [
        `handle=-x,name=A,email=a@example.org,key=${alice.line}`,
        '--founder 1 (-x): handle "-x": a handle is',
      ],
      [`handle=a,email=a@example.org,key=${alice.line}`, '--founder 1 (a): name is missing'],
      [`handle=a,name=A,email=nope,key=${alice.line}`, '--founder 1 (a): email "nope"'],
      ['handle=a,name=A,email=a@example.org', '--founder 1 (a): key is missing'],
      ['handle=a,name=A,email=a@example.org,key=missing.pub', '--founder 1 (a): key: cannot read'],
      [
        'handle=a,name=A,email=a@example.org,key=age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq',
        '--founder 1 (a): key: at least one ssh-ed25519 key is needed',
      ],
    ];
    for (const [fields, message] of cases) {
      await expect(resolveFounders([spec(fields)]), fields).rejects.toThrow(message);
    }
  });

  it('refuses a malformed key file and a private key without its .pub', async () => {
    await writeFile(join(dir, 'broken.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN0t\n');
    await expect(
      resolveFounders([spec('handle=a,name=A,email=a@example.org,key=broken.pub')]),
    ).rejects.toThrow(/--founder 1 \(a\): key: .*broken\.pub is not an ssh-ed25519 public key/);
    await copyFile(alice.path, join(dir, 'lonely'));
    await expect(
      resolveFounders([spec('handle=a,name=A,email=a@example.org,key=lonely')]),
    ).rejects.toThrow(/lonely is a private key: name its \.pub file instead/);
    await promisify(execFile)('ssh-keygen', [
      '-q',
      '-t',
      'rsa',
      '-b',
      '2048',
      '-N',
      '',
      '-f',
      join(dir, 'rsa'),
    ]);
    expect(
      await rejectedCode(() =>
        resolveFounders([spec('handle=a,name=A,email=a@example.org,key=rsa')]),
      ),
    ).toBe('CLI_BAD_INPUT');
    await expect(
      resolveFounders([spec('handle=a,name=A,email=a@example.org,key=rsa')]),
    ).rejects.toThrow(/rsa\.pub is not an ssh-ed25519 public key: .*ssh-rsa/);
  });
});

describe('readFoundersFile', () => {
  it('reads [[founder]] tables; key paths are relative to the file', async () => {
    const file = join(dir, 'founders.toml');
    await writeFile(
      file,
      [
        '[[founder]]',
        'handle = "alice"',
        'name = "Alice Example"',
        'email = "alice@example.org"',
        'key = "alice.pub"',
        '',
        '[[founder]]',
        'handle = "bob"',
        'name = "Bob"',
        'email = "bob@example.org"',
        'key = ["bob.pub"]',
      ].join('\n'),
    );
    const founders = await resolveFounders(await readFoundersFile(file));
    expect(founders.map((f) => [f.handle, f.keys])).toEqual([
      ['alice', [{ kind: 'ssh', publicKey: alice.canonical }]],
      ['bob', [{ kind: 'ssh', publicKey: bob.canonical }]],
    ]);
  });

  it('names the file and founder of a mistake', async () => {
    const file = join(dir, 'bad.toml');
    await writeFile(file, '[[founder]]\nhandle = "alice"\nrole = "boss"\n');
    await expect(readFoundersFile(file)).rejects.toThrow(
      `${file}: founder 1: unknown field "role"`,
    );
    await writeFile(file, '[[founder]\n');
    await expect(readFoundersFile(file)).rejects.toThrow(
      `${file} is neither JSON nor valid TOML (line 1`,
    );
    await writeFile(file, 'name = "no founders"\n');
    await expect(readFoundersFile(file)).rejects.toThrow('names no founders');
  });
});
