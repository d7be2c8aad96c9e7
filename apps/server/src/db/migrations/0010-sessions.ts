import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * Hosts' enrolment and attestation, and guarded sessions with their sealed transcripts. The
 * server keeps transcripts only sealed (age, to the oversight group); a session's salt for the
 * plain digests lives in memory and in the sealed transcript, never here.
 */
export function sessionsMigration(dialect: Dialect): Migration {
  const index = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('enrolment_tokens')
        .addColumn('token_digest', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createTable('host_enrolments')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('host_key', 'text', (c) => c.notNull())
        .addColumn('logins', 'text', (c) => c.notNull())
        .addColumn('enrolled_idx', index, (c) => c.notNull())
        .addColumn('enrolled_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('host_attestations')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('attested_idx', index, (c) => c.notNull())
        .addColumn('attested_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('ticket', index)
        .addColumn('requester', 'text')
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('public_command', 'text')
        .addColumn('observer_required', 'integer', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('end_reason', 'text')
        .addColumn('ended_by', 'text')
        .addColumn('exit_code', 'integer')
        .addColumn('input_bytes', index, (c) => c.notNull())
        .addColumn('output_bytes', index, (c) => c.notNull())
        .addColumn('pieces', index, (c) => c.notNull())
        .addColumn('chunks', index, (c) => c.notNull())
        .addColumn('started_idx', index)
        .addColumn('ended_idx', index)
        .addColumn('transcript_digest', 'text')
        .execute();
      await db.schema
        .createIndex('sessions_host_started')
        .on('sessions')
        .columns(['host', 'started_at'])
        .execute();
      await db.schema
        .createTable('session_pieces')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('seq', index, (c) => c.notNull())
        .addColumn('sealed', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('session_pieces_pk', ['session_id', 'seq'])
        .execute();
    },
  };
}
