import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * The witnesses' cosignatures (C2SP tlog-cosignature): per witness key, the latest checkpoint
 * it cosigned (size and root hash) and its signature line. A new cosignature replaces the one before, since only
 * the latest checkpoint is served with cosignatures.
 */
export function witnessMigration(dialect: Dialect): Migration {
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('witness_cosignatures')
        .addColumn('witness_key', 'text', (c) => c.primaryKey())
        .addColumn('size', index, (c) => c.notNull())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('cosigned_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
