import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemberKey } from '@allmende/protocol';
import { fingerprint, parsePublicKey } from '@allmende/ssh';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { AuthRepository } from '../src/auth/auth.repo.ts';
import type { AuthTables } from '../src/auth/auth.schema.ts';
import type { AuthService } from '../src/auth/auth.service.ts';
import { memberOf, optionalMemberOf, registerAuth } from '../src/auth/index.ts';
import type { MemberDirectory } from '../src/auth/member-directory.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { authMigration } from '../src/db/migrations/0003-auth.ts';
import { installErrorHandler } from '../src/http/error-handler.ts';
import { createTestStore, type TestDialect, type TestStore } from './harness.ts';

// What sign-in's tests share: members in memory as coop/ would answer them, real SSH keys made
// and used by ssh-keygen, a clock the tests move, and a server with sign-in and one route of
// "another domain" that asks memberOf().

export const ORIGIN = 'coop.example/log';

/** The cooperative's members as the directory answers them; tests admit and remove them. */
export class TestDirectory implements MemberDirectory {
  readonly #members = new Map<string, { name: string; keys: { id: string; key: MemberKey }[] }>();

  async admit(handle: string, name: string, keys: MemberKey[] = []): Promise<void> {
    this.#members.set(handle, { name, keys: [] });
    for (const key of keys) await this.addKey(handle, key);
  }

  async addKey(handle: string, key: MemberKey): Promise<string> {
    const id = await keyIdOf(key);
    this.#members.get(handle)?.keys.push({ id, key });
    return id;
  }

  revokeKey(handle: string, id: string): void {
    const member = this.#members.get(handle);
    if (member) member.keys = member.keys.filter((k) => k.id !== id);
  }

  remove(handle: string): void {
    this.#members.delete(handle);
  }

  member(handle: string) {
    const member = this.#members.get(handle);
    return member && { handle, name: member.name };
  }

  currentKeys(handle: string) {
    return [...(this.#members.get(handle)?.keys ?? [])];
  }

  memberByCredential(credentialId: string) {
    for (const [handle, member] of this.#members) {
      for (const { key } of member.keys) {
        if (key.kind === 'passkey' && key.credentialId === credentialId) {
          return { handle, publicKey: key.publicKey };
        }
      }
    }
    return undefined;
  }
}

export async function keyIdOf(key: MemberKey): Promise<string> {
  switch (key.kind) {
    case 'ssh':
      return fingerprint(parsePublicKey(key.publicKey));
    case 'passkey':
      return `passkey:${key.credentialId}`;
    case 'age':
      return key.recipient;
  }
}

/** A real ssh-ed25519 key pair in a folder of its own, used through ssh-keygen. */
export type SshKey = { path: string; key: MemberKey & { kind: 'ssh' }; id: string };

export async function sshKeygen(dir: string, name: string): Promise<SshKey> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', path]);
  const [type, base64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(' ');
  const key = { kind: 'ssh' as const, publicKey: `${type} ${base64}` };
  return { path, key, id: await keyIdOf(key) };
}

/** `ssh-keygen -Y sign`: what `allmende login` does with a key on disk. */
export function sshSign(key: SshKey, namespace: string, message: string): Promise<string> {
  return run('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', key.path], message);
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`${command} ${args.join(' ')}: ${Buffer.concat(err).toString()}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** A port that was free a moment ago: passkeys need the URL before the server listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type AuthTestServer = {
  app: FastifyInstance;
  service: AuthService;
  repo: AuthRepository;
  directory: TestDirectory;
  database: Database;
  /** The configured web URL; the server listens when `listen` was asked for. */
  url: string;
  clock: { now: Date };
  close(): Promise<void>;
};

export const VALID_INVITATION = 'invitation-that-works';

/**
 * A server with sign-in over a fresh database of the dialect, the auth migration applied
 * (whether or not db/migrations.ts runs it already), and `/api/test/me` and `/api/test/things`
 * standing for another domain's routes.
 */
export async function startAuthServer(
  dialect: TestDialect,
  options: { url?: string; listen?: boolean; page?: string } = {},
): Promise<AuthTestServer> {
  const store: TestStore = await createTestStore(dialect);
  const database = await openDatabase(store);
  const tables = await database.db.introspection.getTables();
  if (!tables.some((table) => table.name === 'auth_sessions')) {
    await authMigration(database.dialect).up(database.db);
  }
  const port = options.listen ? await freePort() : 0;
  const url = options.url ?? `http://localhost:${port}`;
  const clock = { now: new Date('2030-01-01T00:00:00.000Z') };
  const directory = new TestDirectory();

  // Addresses come from X-Forwarded-For here, so that tests can speak from several.
  const app = Fastify({ trustProxy: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  const service = await registerAuth(app, {
    database: { db: database.db.withTables<AuthTables>() },
    url,
    origin: ORIGIN,
    name: 'Test cooperative',
    directory,
    checkInvitation: async (code) => code === VALID_INVITATION,
    now: () => clock.now,
  });
  app.get('/api/test/me', async (request) => ({
    member: (await optionalMemberOf(request)) ?? null,
  }));
  app.post('/api/test/things', async (request) => ({ member: await memberOf(request) }));
  if (options.page) {
    const page = options.page;
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  }
  if (options.listen) await app.listen({ host: '127.0.0.1', port });
  else await app.ready();

  return {
    app,
    service,
    repo: new AuthRepository(database.db.withTables<AuthTables>()),
    directory,
    database,
    url,
    clock,
    async close() {
      await app.close();
      await database.close();
      await store.cleanup();
    },
  };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'allmende-auth-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
