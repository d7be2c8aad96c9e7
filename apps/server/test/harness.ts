import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Every database test runs once per dialect (STYLE.md, "Tests"). */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** Where the test PostgreSQL is; scripts/postgres-for-tests.sh starts it and sets this. */
const ADMIN_URL =
  process.env.ALLMENDE_TEST_DATABASE_URL ?? 'postgres://allmende:allmende@127.0.0.1:5432/postgres';

export type TestStore = {
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
};

/** A fresh data folder and, for PostgreSQL, a fresh database of its own. */
export async function createTestStore(dialect: TestDialect, parent = tmpdir()): Promise<TestStore> {
  const dataDir = await mkdtemp(join(parent, 'allmende-test-'));
  if (dialect === 'sqlite') {
    return {
      dataDir,
      databaseUrl: undefined,
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `allmende_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    async cleanup() {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for the tests is not reachable at ${ADMIN_URL}: run \`. scripts/postgres-for-tests.sh\` (as .ci/run does) or set ALLMENDE_TEST_DATABASE_URL`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Polls `check` until it returns a value, for things that happen "within a second". */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
