import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

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
