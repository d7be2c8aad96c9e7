import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import type { Prepare } from '../src/db/node-sqlite-dialect.ts';
import { startServer } from '../src/server.ts';
import { DIALECTS, createTestStore, eventually, type TestStore } from './harness.ts';

describe.each(DIALECTS)('the database on %s', (dialect) => {
  let store: TestStore | undefined;
  afterEach(async () => store?.cleanup());

  it('has one writer at a time: a second process is refused until the first closes', async () => {
    store = await createTestStore(dialect);
    const first = await openDatabase(store);
    await expect(openDatabase(store)).rejects.toThrow(
      /another Allmende process \(a running server\?\) is using/,
    );
    await first.close();
    const second = await openDatabase(store);
    // Migrations ran once and are not repeated on the next open.
    const tables = await second.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['log_entries', 'log_tiles', 'log_checkpoints']),
    );
    await second.close();
  });
});

describe('a transaction of plain statements on SQLite', () => {
  let store: TestStore | undefined;
  afterEach(async () => store?.cleanup());

  it('waits for an open transaction, and rolls back whole when a statement fails', async () => {
    store = await createTestStore('sqlite');
    const database = await openDatabase(store);
    try {
      const run = database.sqliteTransaction!;
      await database.db.schema
        .createTable('probe')
        .addColumn('n', 'integer', (c) => c.primaryKey())
        .execute();
      const insert = (n: number) => (prepare: Prepare) =>
        prepare('insert into probe (n) values (?)').run(n);
      const rows = () =>
        run((prepare) =>
          prepare('select n from probe order by n')
            .all()
            .map((r) => r.n),
        );

      // A Kysely transaction holds the connection: the plain one runs after its commit.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const order: string[] = [];
      const kysely = database.db.transaction().execute(async (trx) => {
        await sql`insert into probe (n) values (1)`.execute(trx);
        opened();
        await held;
        order.push('kysely');
      });
      await open;
      const plain = run((prepare) => {
        insert(2)(prepare);
        order.push('plain');
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toEqual([]);
      release();
      await Promise.all([kysely, plain]);
      expect(order).toEqual(['kysely', 'plain']);

      // The second insert fails (the key is taken): the first is not kept either.
      await expect(
        run((prepare) => {
          insert(3)(prepare);
          insert(1)(prepare);
        }),
      ).rejects.toThrow(/UNIQUE constraint failed/);
      expect(await rows()).toEqual([1, 2]);
      await run(insert(4));
      expect(await rows()).toEqual([1, 2, 4]);
    } finally {
      await database.close();
    }
  });
});

describe('PostgreSQL that cannot be reached', () => {
  it('is named by its host, never with the password', async () => {
    const error = await openDatabase({
      dataDir: '/nonexistent',
      databaseUrl: 'postgres://allmende:s3cret@127.0.0.1:1/allmende',
    }).catch((e: Error) => e.message);
    expect(error).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1/);
    expect(error).not.toContain('s3cret');
  });
});

describe('a PostgreSQL session lost while the server runs', () => {
  let store: TestStore | undefined;
  afterEach(async () => store?.cleanup());

  it('fails closed: appends are refused, health says so, the server stays up, nothing is lost', async () => {
    store = await createTestStore('postgres');
    const server = await startServer({ ...store, listen: '127.0.0.1:0' });
    try {
      const post = (text: string) =>
        fetch(`${server.url}/api/log/notices`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${server.adminToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ text }),
        });
      expect((await post('before')).status).toBe(200);

      // What an administrator restarting PostgreSQL, or the OOM killer, does to the sessions.
      const admin = new pg.Client({ connectionString: store.databaseUrl });
      await admin.connect();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();

      const refused = await eventually(async () => {
        const reply = await post('after');
        return reply.status === 503 ? reply : undefined;
      }, 'the server to notice the lost lock');
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /lost its lock on the database/,
      );
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      // Reading goes on through fresh connections.
      await eventually(async () => {
        const info = (await (await fetch(`${server.url}/api/log/info`)).json()) as { size: number };
        return info.size === 2 ? true : undefined;
      }, 'a checkpoint covering the notice acknowledged before');
    } finally {
      await server.close();
    }
    const again = await startServer({ ...store, listen: '127.0.0.1:0' });
    try {
      const page = (await (await fetch(`${again.url}/api/log/entries`)).json()) as {
        entries: { statement: { body: { text?: string } } }[];
      };
      expect(page.entries.map((e) => e.statement.body.text)).toEqual([undefined, 'before']);
    } finally {
      await again.close();
    }
  });
});
