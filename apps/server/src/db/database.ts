import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { migrations } from './migrations.ts';
import { NodeSqliteDialect, type Prepare } from './node-sqlite-dialect.ts';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Database = {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** False once the writer lock is lost (PostgreSQL: its session ended): stop writing. */
  holdsWriterLock: () => boolean;
  /** SQLite only: a transaction of plain statements (NodeSqliteDialect.transaction). */
  sqliteTransaction?: <T>(work: (prepare: Prepare) => T) => Promise<T>;
  close(): Promise<void>;
};

export const SQLITE_FILE = 'allmende.sqlite';
const INT8_OID = 20;

export const LOCK_FILE = 'allmende.lock';

/**
 * Opens the configured database as its only writer and brings its schema up to date. A second
 * process on the same database would append to the log behind the first one's back, so it is
 * refused until the first one stops.
 * @throws AppError UNAVAILABLE when the database cannot be reached, prepared, or locked
 */
export async function openDatabase(options: {
  dataDir: string;
  databaseUrl: string | undefined;
}): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : openSqlite(options.dataDir);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw new AppError(
      'UNAVAILABLE',
      `cannot prepare the ${database.dialect} database: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return database;
}

function openSqlite(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  // An exclusive lock on a file of its own, held until close (or the process's death): the
  // database itself stays readable by tools.
  const lock = new DatabaseSync(join(dataDir, LOCK_FILE));
  try {
    lock.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;');
  } catch (error) {
    lock.close();
    throw new AppError(
      'UNAVAILABLE',
      `another Allmende process (a running server?) is using ${dataDir}`,
      {
        cause: error,
      },
    );
  }
  const sqlite = new DatabaseSync(join(dataDir, SQLITE_FILE));
  // WAL lets readers go on while the sequencer commits; FULL makes each commit durable (fsync),
  // which is what "acknowledged only when durable" means.
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  // A page cache of 64 MiB rather than SQLite's 2 MiB: searches and lists read the same pages
  // again and again (a search of 100,000 tickets took half as long; bench/desk.bench.ts).
  sqlite.exec('PRAGMA cache_size = -65536;');
  const dialect = new NodeSqliteDialect(sqlite);
  const db = new Kysely<Schema>({ dialect });
  return {
    db,
    dialect: 'sqlite',
    holdsWriterLock: () => lock.isOpen,
    sqliteTransaction: (work) => dialect.transaction(work),
    async close() {
      await db.destroy();
      lock.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // BIGINT arrives as a string by default; every integer here is below 2^53.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? Number
          : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
    },
  });
  const where = new URL(url).host;
  let lockHolder: pg.PoolClient;
  try {
    lockHolder = await pool.connect();
  } catch (error) {
    await pool.end();
    // The message names the host only: the URL may carry a password.
    throw new AppError(
      'UNAVAILABLE',
      `cannot reach PostgreSQL at ${where}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  // The advisory lock that makes this process the log's only writer: "allmende" in ASCII.
  const { rows } = await lockHolder.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock(x'616c6d656e6465'::bigint) AS locked",
  );
  if (!rows[0]?.locked) {
    lockHolder.release();
    await pool.end();
    throw new AppError(
      'UNAVAILABLE',
      `another Allmende process (a running server?) is using the database at ${where}`,
    );
  }
  // A lost session (a restarted or overloaded database) must not crash the server: the pool
  // replaces idle connections, and losing the lock's session ends this process's writing.
  let locked = true;
  lockHolder.on('error', () => (locked = false));
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    holdsWriterLock: () => locked,
    async close() {
      // Closing the session releases its advisory lock.
      lockHolder.release(true);
      await db.destroy();
    },
  };
}

async function migrate({ db, dialect }: Database): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations(dialect)) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error)
    throw error instanceof Error ? error : new Error('a migration failed', { cause: error });
}
