import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Executor } from './ticket.repo.ts';

export type ConfirmationRow = Selectable<Schema['desk_confirmations']>;

/** Visitors' tickets waiting for the confirmation of their address. */
export class VisitorRepository {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** Stores a confirmation, and runs `also` (queueing its mail) in the same transaction. */
  async insert(row: ConfirmationRow, also: (trx: Executor) => Promise<void>): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('desk_confirmations').values(row).execute();
      await also(trx);
    });
  }

  async find(codeDigest: string): Promise<ConfirmationRow | undefined> {
    return this.#db
      .selectFrom('desk_confirmations')
      .selectAll()
      .where('code_digest', '=', codeDigest)
      .executeTakeFirst();
  }

  /** Marks a confirmation used; false when another request used it first. */
  async use(trx: Executor, codeDigest: string, ticket: number): Promise<boolean> {
    const result = await trx
      .updateTable('desk_confirmations')
      .set({ ticket_id: ticket })
      .where('code_digest', '=', codeDigest)
      .where('ticket_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Confirmations asked for since `since`, by address or by client. */
  async countSince(column: 'email' | 'address', value: string, since: string): Promise<number> {
    const row = await this.#db
      .selectFrom('desk_confirmations')
      .select((eb) => eb.fn.countAll().as('count'))
      .where(column, '=', value)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}
