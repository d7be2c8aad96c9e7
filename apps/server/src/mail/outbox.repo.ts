import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';

export type OutboxRow = Selectable<Schema['mail_outbox']>;
export type NewOutboxRow = Omit<Insertable<Schema['mail_outbox']>, 'id'>;

/** The outbox's table: mail waits here until the relay took it. */
export class OutboxRepository {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** Queues mail, in the caller's transaction when it gives one. */
  async insert(trx: Transaction<Schema> | undefined, rows: readonly NewOutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await (trx ?? this.#db).insertInto('mail_outbox').values(rows).execute();
  }

  async due(now: string, limit: number): Promise<OutboxRow[]> {
    return this.#db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async markSent(id: number, at: string): Promise<void> {
    await this.#db
      .updateTable('mail_outbox')
      .set({ sent_at: at, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(
    id: number,
    attempt: { attempts: number; error: string; retryAt: string | undefined; at: string },
  ): Promise<void> {
    await this.#db
      .updateTable('mail_outbox')
      .set({
        attempts: attempt.attempts,
        last_error: attempt.error,
        ...(attempt.retryAt ? { next_attempt_at: attempt.retryAt } : { failed_at: attempt.at }),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Mail to one address, newest first (for the tests and the oversight group). */
  async to(recipient: string): Promise<OutboxRow[]> {
    return this.#db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('recipient', '=', recipient)
      .orderBy('id', 'desc')
      .execute();
  }
}
