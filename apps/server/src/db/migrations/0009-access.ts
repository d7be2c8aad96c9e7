import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/** Access requests, their approvals and certificates (apps/server/src/access). */
export function accessMigration(dialect: Dialect): Migration {
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('access_requests')
        .addColumn('idx', index, (c) => c.primaryKey())
        .addColumn('digest', 'text', (c) => c.notNull().unique())
        .addColumn('statement', 'text', (c) => c.notNull())
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('login', 'text', (c) => c.notNull())
        .addColumn('minutes', 'integer', (c) => c.notNull())
        .addColumn('ticket', index, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('command', 'text')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('closed_idx', index)
        .addColumn('denied_by', 'text')
        .addColumn('deny_reason', 'text')
        .execute();
      for (const column of ['status', 'ticket', 'requester', 'host'] as const) {
        await db.schema
          .createIndex(`access_requests_${column}_idx`)
          .on('access_requests')
          .columns([column, 'idx'])
          .execute();
      }
      await db.schema
        .createTable('access_approvals')
        .addColumn('idx', index, (c) => c.primaryKey())
        .addColumn('request_idx', index, (c) => c.notNull())
        .addColumn('handle', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('access_approvals_request_idx')
        .on('access_approvals')
        .columns(['request_idx', 'idx'])
        .execute();
      await db.schema
        .createTable('access_certificates')
        .addColumn('serial', 'bigint', (c) => c.primaryKey())
        .addColumn('request_idx', index, (c) => c.notNull().unique())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('valid_after', 'text', (c) => c.notNull())
        .addColumn('valid_before', 'text', (c) => c.notNull())
        .addColumn('certificate', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('issued_idx', index, (c) => c.notNull())
        .addColumn('revoked_idx', index)
        .addColumn('revoke_reason', 'text')
        .execute();
    },
  };
}
