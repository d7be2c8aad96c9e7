import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@allmende/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate, generateKey, type TestKey } from './support/ssh-keys.ts';

// Access from the command line, against a real server on SQLite: alice looks after mail on h1
// and asks for root there; bob and carol approve with their keys (files ssh-keygen made), and
// alice fetches the certificate next to her key, where plain ssh finds it.

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
  dir = await mkdtemp(join(tmpdir(), 'allmende-access-cli-'));
  for (const name of ['alice', 'bob', 'carol', 'dave'])
    keys.set(name, await generateKey(dir, name));
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
  const alice = as('alice');
  ok(
    await alice(
      'host',
      'add',
      'h1',
      '--address',
      '203.0.113.7',
      '--provider',
      'Hetzner',
      '--location',
      'Falkenstein',
      '--cost',
      '9.90EUR',
    ),
  );
  ok(
    await alice(
      'service',
      'create',
      'mail',
      '--name',
      'Mail',
      '--sensitivity',
      'private',
      '--host',
      'h1',
    ),
  );
  ok(await alice('service', 'assign', 'mail', 'alice'));
  ok(await alice('ticket', 'new', '--title', 'Mail queue stuck', '--service', 'mail'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('access from the command line', () => {
  it('requests, approves and fetches the certificate next to the key', async () => {
    const args = [
      'request',
      '--host',
      'h1',
      '--login',
      'root',
      '--minutes',
      '20',
      '--ticket',
      '1',
      '--reason',
      'Flush the mail queue',
      '--command',
      'postqueue -f',
    ];
    // Without a terminal to ask on, nothing is signed; what would be is shown first.
    const asked = await as('alice')(...args);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain('alice requests access to the host h1 as root for 20 minutes');
    expect(asked.stdout).toContain('command: postqueue -f');
    expect(asked.stdout).toContain(`key: ssh-ed25519 ${keys.get('alice')!.fingerprint}`);
    expect(asked.stderr).toContain('pass --yes');

    const requested = ok(await as('alice')(...args, '--yes'));
    const id = /^access request (\d+): pending/m.exec(requested)?.[1];
    expect(id, requested).toBeDefined();
    expect(requested).toContain('approvals: 0 of 2');
    expect(requested).toContain(`others approve it with: allmende approve ${id}`);

    // The requester cannot approve; bob and carol can, after seeing what they sign.
    const own = await as('alice')('approve', id!, '--yes');
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('rule access.self-approval');
    const bobs = ok(await as('bob')('approve', id!, '--yes'));
    expect(bobs).toContain(`bob approves access request ${id}`);
    expect(bobs).toContain('approvals: 1 of 2');
    const early = await as('alice')('cert', id!);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('ACCESS_NOT_ISSUED');
    const carols = ok(await as('carol')('approve', id!, '--yes'));
    expect(carols).toMatch(new RegExp(`access request ${id}: issued`));
    expect(carols).toContain(`fetch the certificate with: allmende cert ${id}`);

    const fetched = ok(await as('alice')('cert', id!));
    const path = `${keys.get('alice')!.path}-cert.pub`;
    expect(fetched).toContain(`wrote ${path}`);
    const shown = await describeCertificate(path);
    expect(shown).toContain(`Key ID: "request-${id}@${server.log.origin}"`);
    expect(shown).toMatch(/Principals: \n\s+root\n/);
    expect(shown).toContain('force-command allmende-recorder');
    expect((await readFile(path, 'utf8')).startsWith('ssh-ed25519-cert-v01@openssh.com ')).toBe(
      true,
    );
    // Bob's key is not the one it certifies.
    const wrongKey = await as('bob')('cert', id!);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain(`certifies the key ${keys.get('alice')!.fingerprint}`);

    const list = ok(await as('dave')('access', 'list', '--open'));
    expect(list).toMatch(new RegExp(`^${id}\\s+issued\\s+alice\\s+h1\\s+root\\s+#1\\s+2$`, 'm'));

    // Withdrawn, its certificate is revoked.
    const withdrawn = ok(await as('alice')('withdraw', id!, '--yes', '--reason', 'Done'));
    expect(withdrawn).toMatch(/revoked at entry \d+ \(withdrawn\)/);
  });

  it('refuses what it cannot do, plainly', async () => {
    const noTicket = await as('alice')(
      'request',
      '--host',
      'h1',
      '--login',
      'root',
      '--minutes',
      '20',
      '--ticket',
      '99',
      '--reason',
      'x',
      '--yes',
    );
    expect(noTicket.code).toBe(1);
    expect(noTicket.stderr).toContain('rule access.no-ticket');
    const missing = await as('alice')('request', '--host', 'h1');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--minutes is required');
    const unknown = await as('bob')('approve', '424242', '--yes');
    expect(unknown.code).not.toBe(0);
  });
});
