import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * The help desk by mail and for visitors:
 * - `mail_inbox` keeps every mail the intake took, raw, with what became of it — so nothing is
 *   lost, even when it became no ticket (a bounce, an auto-reply, throttled, unreadable);
 * - `mail_threads` maps Message-IDs (received and sent) to their ticket, for threading;
 * - `mail_outbox` holds mail to send, until the relay took it;
 * - `ticket_attachments` the files that came with a mail;
 * - `desk_confirmations` visitors' tickets until their address is confirmed;
 * - `desk_notification_settings` which mail each member wants, and `desk_cursor` how far the
 *   notifier has read the desk's timeline.
 */
export function deskMailMigration(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  const serial = dialect === 'postgres' ? sql`bigserial` : sql`integer`;
  return {
    async up(db: Kysely<unknown>) {
      const table = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          );
      await table('mail_inbox')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('envelope_from', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('raw', bytes, (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('ticket_id', index)
        .addColumn('reason', 'text')
        .execute();
      await db.schema
        .createIndex('mail_inbox_sender')
        .on('mail_inbox')
        .columns(['sender', 'received_at'])
        .execute();
      await db.schema
        .createIndex('mail_inbox_message_id')
        .on('mail_inbox')
        .column('message_id')
        .execute();
      await db.schema
        .createTable('mail_threads')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', index, (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mail_threads_ticket')
        .on('mail_threads')
        .columns(['ticket_id', 'at'])
        .execute();
      await table('mail_outbox')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('reply_to', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('in_reply_to', 'text')
        .addColumn('refs', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('failed_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('mail_outbox_due')
        .on('mail_outbox')
        .columns(['sent_at', 'failed_at', 'next_attempt_at'])
        .execute();
      await table('ticket_attachments')
        .addColumn('ticket_id', index, (c) => c.notNull())
        .addColumn('item_id', index)
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ticket_attachments_ticket')
        .on('ticket_attachments')
        .columns(['ticket_id', 'item_id'])
        .execute();
      await db.schema
        .alterTable('tickets')
        .addColumn('via', 'text', (c) => c.notNull().defaultTo('web'))
        .execute();
      await db.schema
        .alterTable('ticket_items')
        .addColumn('via', 'text', (c) => c.notNull().defaultTo('web'))
        .execute();
      await db.schema
        .createTable('desk_confirmations')
        .addColumn('code_digest', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('ticket', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ticket_id', index)
        .execute();
      await db.schema
        .createIndex('desk_confirmations_email')
        .on('desk_confirmations')
        .columns(['email', 'created_at'])
        .execute();
      await db.schema
        .createIndex('desk_confirmations_address')
        .on('desk_confirmations')
        .columns(['address', 'created_at'])
        .execute();
      await db.schema
        .createTable('desk_notification_settings')
        .addColumn('handle', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('desk_cursor')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('ticket_id', index, (c) => c.notNull())
        .addColumn('item_id', index, (c) => c.notNull())
        .execute();
      // Start after what exists: a desk from before notifications sends nothing about its past.
      await sql`INSERT INTO desk_cursor (id, ticket_id, item_id)
        SELECT 1, coalesce((SELECT max(id) FROM tickets), 0),
                  coalesce((SELECT max(id) FROM ticket_items), 0)`.execute(db);
    },
  };
}
