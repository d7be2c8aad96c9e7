import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * The help desk: tickets, their watchers, and one timeline of comments and events per ticket.
 * Routing is not stored: who answers is computed from the stewards at read time, and only an
 * explicit assignee (someone took it) is kept.
 */
export function deskMigration(dialect: Dialect): Migration {
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tickets')
        .addColumn('id', index, (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('service', 'text')
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('private', 'integer', (c) => c.notNull())
        .addColumn('assignee', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('first_answer_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('opened_idx', index, (c) => c.notNull())
        .addColumn('closed_idx', index)
        .execute();
      await db.schema
        .createIndex('tickets_service_id')
        .on('tickets')
        .columns(['service', 'id'])
        .execute();
      await db.schema
        .createIndex('tickets_requester_id')
        .on('tickets')
        .columns(['requester', 'id'])
        .execute();
      await db.schema
        .createIndex('tickets_status_id')
        .on('tickets')
        .columns(['status', 'id'])
        .execute();
      await db.schema
        .createTable('ticket_watchers')
        .addColumn('ticket_id', index, (c) => c.notNull())
        .addColumn('handle', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_watchers_pk', ['ticket_id', 'handle'])
        .execute();
      await db.schema
        .createTable('ticket_items')
        .addColumn('id', dialect === 'postgres' ? sql`bigserial` : sql`integer`, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('ticket_id', index, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('author', 'text')
        .addColumn('body', 'text')
        .addColumn('private', 'integer', (c) => c.notNull())
        .addColumn('field', 'text')
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .execute();
      await db.schema
        .createIndex('ticket_items_ticket_id')
        .on('ticket_items')
        .columns(['ticket_id', 'id'])
        .execute();
    },
  };
}
