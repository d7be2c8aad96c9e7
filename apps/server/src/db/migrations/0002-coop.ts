import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * The cooperative: the tables that the log's statements project into (members, keys, services,
 * stewards, hosts, the policy, and a snapshot of the whole state), and what is not in the log —
 * contact data, proposals collecting signatures, invitations.
 */
export function coopMigration(dialect: Dialect): Migration {
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('members')
        .addColumn('handle', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('admitted_at', index, (c) => c.notNull())
        .addColumn('left_at', index)
        .addColumn('away', 'integer', (c) => c.notNull())
        .addColumn('away_until', 'text')
        .execute();
      await db.schema
        .createTable('member_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('handle', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('added_at', index, (c) => c.notNull())
        .addColumn('revoked_at', index)
        .execute();
      await db.schema
        .createIndex('member_keys_handle')
        .on('member_keys')
        .column('handle')
        .execute();
      await db.schema
        .createTable('services')
        .addColumn('slug', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('sensitivity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('addresses', 'text', (c) => c.notNull())
        .addColumn('doc_page', 'text')
        .addColumn('created_at', index, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stewards')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('handle', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stewards_pk', ['service', 'handle'])
        .execute();
      await db.schema.createIndex('stewards_handle').on('stewards').column('handle').execute();
      await db.schema
        .createTable('hosts')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('cost_amount', 'integer', (c) => c.notNull())
        .addColumn('cost_currency', 'text', (c) => c.notNull())
        .addColumn('added_at', index, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('service_hosts')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_hosts_pk', ['service', 'host'])
        .execute();
      await db.schema
        .createTable('policies')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('set_at', index, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('coop_snapshot')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('statement_digests')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('idx', index, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('member_contacts')
        .addColumn('handle', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('proposals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('idx', index)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code_digest', 'text', (c) => c.notNull().unique())
        .addColumn('invited_by', 'text')
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_by', 'text')
        .addColumn('withdrawn', 'integer', (c) => c.notNull())
        .execute();
    },
  };
}
