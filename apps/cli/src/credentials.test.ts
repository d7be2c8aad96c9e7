import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodesOf } from '../../../test/support/error-codes.ts';
import { CliError } from './cli.ts';
import { configDir, CredentialStore, type Login } from './credentials.ts';

const { rejectedCode } = errorCodesOf(CliError);

const login = (url: string, token = 'secret-token'): Login => ({
  url,
  origin: 'coop.example/log',
  handle: 'alice',
  token,
  tokenId: 't1',
  createdAt: '2030-01-01T00:00:00.000Z',
});

describe('configDir', () => {
  it('follows ALLMENDE_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ ALLMENDE_CONFIG_DIR: '/x', XDG_CONFIG_HOME: '/y' })).toBe('/x');
    expect(configDir({ XDG_CONFIG_HOME: '/y' })).toBe('/y/allmende');
    // The XDG spec says to ignore a relative path.
    expect(configDir({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/allmende$/);
  });
});

describe('CredentialStore', () => {
  it('keeps one login per server in a file only its owner can read', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'allmende-credentials-')), 'allmende');
    const store = new CredentialStore(dir);
    expect(await store.list()).toEqual([]);
    await store.save(login('https://a.example'));
    expect(await store.save(login('https://a.example', 'newer'))).toMatchObject({
      token: 'secret-token',
    });
    await store.save(login('https://b.example'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await store.list()).map((l) => [l.url, l.token])).toEqual([
      ['https://a.example', 'newer'],
      ['https://b.example', 'secret-token'],
    ]);
    await store.remove('https://a.example');
    expect(await store.find('https://a.example')).toBeUndefined();
    expect(await store.find('https://b.example')).toMatchObject({ handle: 'alice' });
  });

  it('refuses a file others can read, and a damaged one', async () => {
    const store = new CredentialStore(await mkdtemp(join(tmpdir(), 'allmende-credentials-')));
    await store.save(login('https://a.example'));
    await chmod(store.path, 0o644);
    await expect(store.list()).rejects.toThrow(/is readable by others \(mode 644\).*chmod 600/);
    await chmod(store.path, 0o600);
    await writeFile(store.path, (await readFile(store.path, 'utf8')).slice(0, 20));
    expect(await rejectedCode(() => store.list())).toBe('CLI_BAD_INPUT');
    await expect(store.list()).rejects.toThrow('is damaged: delete it and log in again');
  });
});
