import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { IncomingMail } from '../mail/incoming-mail.ts';
import type { Executor } from './ticket.repo.ts';

export type InboxRow = Selectable<Schema['mail_inbox']>;
export type InboxOutcome = 'pending' | 'ticket' | 'comment' | 'ignored' | 'throttled' | 'duplicate';

/** The desk's mail: every mail received (raw), and the Message-IDs of each ticket's mail. */
export class InboxRepository {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** Keeps a mail as it came, before anything is done with it. */
  async store(mail: IncomingMail, at: string): Promise<number> {
    const row = await this.#db
      .insertInto('mail_inbox')
      .values({
        received_at: at,
        recipient: mail.recipient,
        envelope_from: mail.envelopeFrom,
        sender: mail.from,
        subject: mail.subject.slice(0, 1000),
        message_id: mail.messageId?.slice(0, 1000) ?? null,
        size: mail.raw.length,
        raw: mail.raw,
        outcome: 'pending',
        ticket_id: null,
        reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Records what became of a mail, in the transaction that made it so when there is one. */
  async settle(
    trx: Executor | undefined,
    id: number,
    outcome: InboxOutcome,
    details: { ticket?: number; reason?: string } = {},
  ): Promise<void> {
    await (trx ?? this.#db)
      .updateTable('mail_inbox')
      .set({ outcome, ticket_id: details.ticket ?? null, reason: details.reason ?? null })
      .where('id', '=', id)
      .execute();
  }

  /** Whether a mail with this Message-ID already became a ticket or a comment. */
  async handled(messageId: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('mail_inbox')
      .select('ticket_id')
      .where('message_id', '=', messageId)
      .where('outcome', 'in', ['ticket', 'comment'])
      .executeTakeFirst();
    return row?.ticket_id == null ? undefined : Number(row.ticket_id);
  }

  /** Mails from `sender` since `since` that became tickets, or comments. */
  async countFrom(sender: string, since: string, outcome: 'ticket' | 'comment'): Promise<number> {
    const row = await this.#db
      .selectFrom('mail_inbox')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('sender', '=', sender)
      .where('received_at', '>=', since)
      .where('outcome', '=', outcome)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async pending(): Promise<InboxRow[]> {
    return this.#db
      .selectFrom('mail_inbox')
      .selectAll()
      .where('outcome', '=', 'pending')
      .orderBy('id')
      .execute();
  }

  /** The inbox, newest first, without the raw mails. */
  async list(limit: number, before: number | undefined): Promise<Omit<InboxRow, 'raw'>[]> {
    let query = this.#db
      .selectFrom('mail_inbox')
      .select([
        'id',
        'received_at',
        'recipient',
        'envelope_from',
        'sender',
        'subject',
        'message_id',
        'size',
        'outcome',
        'ticket_id',
        'reason',
      ]);
    if (before !== undefined) query = query.where('id', '<', before);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  async raw(id: number): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom('mail_inbox')
      .select('raw')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.raw;
  }

  /** Remembers Message-IDs of a ticket's mail (ignoring those already known). */
  async thread(
    trx: Executor | undefined,
    ticket: number,
    messageIds: readonly string[],
    at: string,
  ): Promise<void> {
    const ids = [...new Set(messageIds)].filter((id) => id.length <= 1000);
    if (ids.length === 0) return;
    await (trx ?? this.#db)
      .insertInto('mail_threads')
      .values(ids.map((message_id) => ({ message_id, ticket_id: ticket, at })))
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  }

  /** The ticket the first known of these Message-IDs belongs to. */
  async ticketOf(messageIds: readonly string[]): Promise<number | undefined> {
    if (messageIds.length === 0) return undefined;
    const rows = await this.#db
      .selectFrom('mail_threads')
      .selectAll()
      .where('message_id', 'in', messageIds)
      .execute();
    const byId = new Map(rows.map((r) => [r.message_id, Number(r.ticket_id)]));
    for (const id of messageIds) {
      const ticket = byId.get(id);
      if (ticket !== undefined) return ticket;
    }
    return undefined;
  }

  /** The Message-IDs of a ticket's mail, oldest first: what an answer refers to. */
  async messagesOf(ticket: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('mail_threads')
      .select('message_id')
      .where('ticket_id', '=', ticket)
      .orderBy('at')
      .orderBy('message_id')
      .execute();
    return rows.map((r) => r.message_id);
  }
}
