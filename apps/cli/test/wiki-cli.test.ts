import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@allmende/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type TestKey } from './support/ssh-keys.ts';

// `allmende wiki get|put|history` as a member runs them: the CLI as a child process with its own
// config folder, signed in with a key made by ssh-keygen, against a real server on SQLite.

const CLI = fileURLToPath(new URL('../bin/allmende.js', import.meta.url));

type Run = { code: number; stdout: string; stderr: string };

let dir: string;
let server: RunningServer;
let alice: TestKey;

function cli(member: string, input = '') {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ALLMENDE_CONFIG_DIR: join(dir, `${member}-config`),
    ALLMENDE_DATABASE_URL: '',
  };
  delete env.SSH_AUTH_SOCK;
  return (...args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-wiki-cli-'));
  alice = await generateKey(dir, 'alice');
  server = await startServer({
    dataDir: join(dir, 'coop'),
    listen: '127.0.0.1:0',
    founders: [
      {
        handle: 'alice',
        name: 'Alice',
        email: 'alice@example.org',
        keys: [{ kind: 'ssh', publicKey: alice.canonical }],
      },
    ],
  });
  const login = await cli('alice')('login', server.url, '--handle', 'alice', '--key', alice.path);
  expect(login, login.stderr).toMatchObject({ code: 0 });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the wiki from the command line', () => {
  it('puts a file, gets it back, and lists the history', async () => {
    const file = join(dir, 'mail.md');
    await writeFile(file, '# Mail\n\nPostfix.\n');
    const put = await cli('alice')('wiki', 'put', 'services/mail', file, '--message', 'First');
    expect(put, put.stderr).toMatchObject({ code: 0 });
    expect(put.stdout).toContain('Saved services/mail as revision 1.');

    const second = await cli('alice', '# Mail\n\nPostfix and Dovecot.\n')(
      'wiki',
      'put',
      'services/mail',
      '-',
      '--message',
      'Dovecot too',
    );
    expect(second, second.stderr).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('revision 2');

    const get = await cli('nobody')('wiki', 'get', 'services/mail', '--server', server.url);
    expect(get, get.stderr).toMatchObject({ code: 0, stdout: '# Mail\n\nPostfix and Dovecot.\n' });
    expect(get.stderr).toContain('services/mail revision 2');
    const old = await cli('nobody')(
      'wiki',
      'get',
      'services/mail',
      '--revision',
      '1',
      '--server',
      server.url,
    );
    expect(old.stdout).toBe('# Mail\n\nPostfix.\n');
    const html = await cli('nobody')(
      'wiki',
      'get',
      'services/mail',
      '--html',
      '--server',
      server.url,
    );
    expect(html.stdout).toContain('<h1>Mail</h1>');

    const history = await cli('nobody')('wiki', 'history', 'services/mail', '--server', server.url);
    expect(history, history.stderr).toMatchObject({ code: 0 });
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REVISION\s+AUTHOR\s+TIME\s+SIZE\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^2\s+alice\s+\S+\s+29\s+Dovecot too$/);
    expect(lines[2]).toMatch(/^1\s+alice\s+\S+\s+17\s+First$/);
    const json = await cli('nobody')(
      'wiki',
      'history',
      'services/mail',
      '--json',
      '--server',
      server.url,
    );
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ revision: 2, author: 'alice', message: 'Dovecot too' }),
      expect.objectContaining({ revision: 1, author: 'alice', message: 'First' }),
    ]);
  });

  it('refuses to overwrite an edit it did not see: a clear message, exit 1, nothing lost', async () => {
    const stale = await cli('alice', 'my edit of revision 1\n')(
      'wiki',
      'put',
      'services/mail',
      '-',
      '--base',
      '1',
    );
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'services/mail changed while you edited it: revision 2 by alice is current',
    );
    expect(stale.stderr).toContain('Nothing was saved');
    const get = await cli('nobody')('wiki', 'get', 'services/mail', '--server', server.url);
    expect(get.stdout).toBe('# Mail\n\nPostfix and Dovecot.\n');
  });

  it('says what is wrong: a bad path, no login, a missing page', async () => {
    const bad = await cli('alice')('wiki', 'get', 'Services/Mail');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a wiki path');
    const anonymous = await cli('nobody', 'x')('wiki', 'put', 'a', '-', '--server', server.url);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain(`not logged in to ${server.url}`);
    const missing = await cli('nobody')('wiki', 'get', 'no/such/page', '--server', server.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('WIKI_PAGE_NOT_FOUND');
  });
});
