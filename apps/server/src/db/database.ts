import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { migrations } from './migrations.ts';
import { NodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Database = { db: Kysely<Schema>; dialect: Dialect; close(): Promise<void> };

export const SQLITE_FILE = 'allmende.sqlite';
const INT8_OID = 20;

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: {
  dataDir: string;
  databaseUrl: string | undefined;
}): Promise<Database> {
  const database = options.databaseUrl
    ? openPostgres(options.databaseUrl)
    : openSqlite(join(options.dataDir, SQLITE_FILE));
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

function openSqlite(path: string): Database {
  mkdirSync(join(path, '..'), { recursive: true });
  const sqlite = new DatabaseSync(path);
  // WAL lets readers go on while the sequencer commits; FULL makes each commit durable (fsync),
  // which is what "acknowledged only when durable" means.
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  const db = new Kysely<Schema>({ dialect: new NodeSqliteDialect(sqlite) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openPostgres(url: string): Database {
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
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
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
