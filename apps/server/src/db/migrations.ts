import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from './database.ts';
import { coopMigration } from './migrations/0002-coop.ts';
import { authMigration } from './migrations/0003-auth.ts';
import { wikiMigration } from './migrations/0004-wiki.ts';
import { deskMigration } from './migrations/0005-desk.ts';
import { searchMigration } from './migrations/0006-search.ts';
import { deskMailMigration } from './migrations/0007-desk-mail.ts';
import { searchSpeedMigration } from './migrations/0007-search-speed.ts';
import { witnessMigration } from './migrations/0008-witness.ts';
import { accessMigration } from './migrations/0009-access.ts';
import { sessionsMigration } from './migrations/0010-sessions.ts';
import { searchTiersMigration } from './migrations/0012-search-tiers.ts';

/**
 * Migrations run on every start, in name order, on SQLite and PostgreSQL alike. Never edit one
 * that has shipped: add the next.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  // In SQLite only INTEGER PRIMARY KEY is the rowid itself: one b-tree instead of two.
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    '0001-log': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('log_entries')
          .addColumn('idx', index, (c) => c.primaryKey())
          .addColumn('entry', bytes, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('log_tiles')
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('tile_index', 'bigint', (c) => c.notNull())
          .addColumn('hashes', bytes, (c) => c.notNull())
          .addPrimaryKeyConstraint('log_tiles_pk', ['level', 'tile_index'])
          .execute();
        await db.schema
          .createTable('log_checkpoints')
          .addColumn('size', 'bigint', (c) => c.primaryKey())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002-coop': coopMigration(dialect),
    '0003-auth': authMigration(dialect),
    '0004-wiki': wikiMigration(dialect),
    '0005-desk': deskMigration(dialect),
    '0006-search': searchMigration(dialect),
    '0007-desk-mail': deskMailMigration(dialect),
    '0007-search-speed': searchSpeedMigration(dialect),
    '0008-witness': witnessMigration(dialect),
    '0009-access': accessMigration(dialect),
    '0010-sessions': sessionsMigration(dialect),
    // Search on SQLite now ranks matches alone and checks privacy on the best few by primary
    // key: 0007's covering indexes for the privacy join only cost writes.
    '0011-search-visibility': {
      async up(db: Kysely<unknown>) {
        if (dialect === 'postgres') return;
        await db.schema.dropIndex('tickets_search_visibility').execute();
        await db.schema.dropIndex('ticket_items_search_visibility').execute();
      },
    },
    '0012-search-tiers': searchTiersMigration(dialect),
  };
}
