import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@allmende/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type TestKey } from './support/ssh-keys.ts';

// The help desk from the command line, against a real server on SQLite: the CLI runs as a child
// process with its own config folder per member, and signs in with a key made by ssh-keygen.

const CLI = fileURLToPath(new URL('../bin/allmende.js', import.meta.url));

type Run = { code: number; stdout: string; stderr: string };

let dir: string;
let server: RunningServer;
const keys = new Map<string, TestKey>();

function as(member: string, input = '') {
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

function ok(result: Run): string {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return result.stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-ticket-cli-'));
  for (const name of ['alice', 'bob', 'carol']) keys.set(name, await generateKey(dir, name));
  server = await startServer({
    dataDir: join(dir, 'coop'),
    databaseUrl: undefined,
    listen: '127.0.0.1:0',
    founders: [...keys].map(([handle, key]) => ({
      handle,
      name: handle,
      keys: [{ kind: 'ssh' as const, publicKey: key.canonical }],
    })),
  });
  for (const [handle, key] of keys) {
    ok(await as(handle)('login', server.url, '--handle', handle, '--key', key.path));
  }
  // Alice looks after mail.
  ok(await as('alice')('service', 'create', 'mail', '--name', 'Mail', '--status', 'running'));
  ok(await as('alice')('service', 'assign', 'mail', 'alice'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the help desk from the command line', () => {
  it('opens, lists, shows, answers and closes tickets', async () => {
    const opened = ok(
      await as('bob')(
        'ticket',
        'new',
        '--title',
        'Mail is down',
        '--service',
        'mail',
        '--priority',
        'high',
        '--label',
        'outage',
        '--body',
        'Since **9 o’clock**.',
      ),
    );
    expect(opened).toMatch(/^Ticket #1 opened; alice answers it\. Log entry \d+\.$/m);
    const secret = ok(
      await as('bob', 'My password is hunter2')(
        'ticket',
        'new',
        '--title',
        'Locked out of my account',
        '--service',
        'mail',
        '--private',
        '-',
      ),
    );
    expect(secret).toContain('Ticket #2 opened (private)');

    const mine = ok(await as('bob')('ticket', 'list', '--mine'));
    expect(mine.split('\n')[0]).toMatch(/^ID\s+STATUS\s+PRIORITY\s+SERVICE\s+ASSIGNEE\s+TITLE$/);
    expect(mine).toMatch(/#1\s+new\s+high\s+mail\s+alice\s+Mail is down/);
    expect(mine).toContain('Locked out of my account');
    // Carol sees that the private ticket exists, not what it says.
    const carols = JSON.parse(ok(await as('carol')('ticket', 'list', '--json'))) as {
      id: number;
      title: string | null;
    }[];
    expect(carols.map((t) => [t.id, t.title])).toEqual([
      [2, null],
      [1, 'Mail is down'],
    ]);
    expect(ok(await as('carol')('ticket', 'list', '--service', 'mail'))).toContain('(private)');
    expect(ok(await as('carol')('ticket', 'show', '2'))).not.toContain('hunter2');
    expect(ok(await as('alice')('ticket', 'show', '2'))).toContain('My password is hunter2');

    // Alice answers: once as an argument, once from a file, once privately from stdin.
    ok(await as('alice')('ticket', 'comment', '1', 'Looking at it.'));
    const file = join(dir, 'answer.md');
    await writeFile(file, 'Restarted *postfix*; try again.\n');
    ok(await as('alice')('ticket', 'comment', '1', file));
    ok(
      await as('alice', 'The relay password was rotated.')(
        'ticket',
        'comment',
        '#1',
        '--private',
        '-',
      ),
    );
    const shown = ok(await as('carol')('ticket', 'show', '1'));
    expect(shown).toContain('#1  Mail is down');
    expect(shown).toContain('Since **9 o’clock**.');
    expect(shown).toContain('Looking at it.');
    expect(shown).toContain('Restarted *postfix*; try again.');
    expect(shown).toContain('(private comment)');
    expect(shown).not.toContain('relay password');
    expect(shown).toMatch(/· alice status: new → open/);
    const json = JSON.parse(ok(await as('bob')('ticket', 'show', '1', '--json'))) as {
      status: string;
      timeline: { kind: string; body?: string | null }[];
    };
    expect(json.status).toBe('open');
    expect(json.timeline.filter((i) => i.kind === 'comment').map((i) => i.body)).toEqual([
      'Looking at it.',
      'Restarted *postfix*; try again.\n',
      'The relay password was rotated.',
    ]);

    // Only who may close it; the requester may.
    const refused = await as('carol')('ticket', 'close', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('DESK_NOT_ALLOWED');
    expect(ok(await as('bob')('ticket', 'close', '1', '--resolved'))).toMatch(
      /^Ticket #1 is resolved \(log entry \d+\)\.$/m,
    );
    const entries = await server.log.entries(0, server.log.size);
    expect(entries.map((e) => e.statement.type).filter((t) => t.startsWith('ticket.'))).toEqual([
      'ticket.opened',
      'ticket.opened',
      'ticket.closed',
    ]);
    expect(ok(await as('carol')('ticket', 'list', '--unassigned'))).not.toContain('Mail is down');
  });

  it('answers bad input clearly', async () => {
    const badId = await as('bob')('ticket', 'show', 'abc');
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('"abc" is not a ticket number');
    const both = await as('bob')('ticket', 'new', '--title', 'x', '--body', 'y', '-');
    expect(both.code).toBe(2);
    const service = await as('bob')('ticket', 'new', '--title', 'x', '--service', 'nope');
    expect(service.code).toBe(1);
    expect(service.stderr).toContain('there is no service nope');
    const missing = await as('bob')('ticket', 'show', '999');
    expect(missing.stderr).toContain('there is no ticket 999 (404, DESK_TICKET_NOT_FOUND)');
    const nobody = await as('stranger')('ticket', 'new', '--title', 'x', '--server', server.url);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('not logged in');
  });
});
