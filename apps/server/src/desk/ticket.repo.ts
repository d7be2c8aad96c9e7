import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';

export type TicketRow = Schema['tickets'];
export type TicketItemRow = Selectable<Schema['ticket_items']>;
export type NewTicketItem = Omit<Insertable<Schema['ticket_items']>, 'id' | 'ticket_id'>;
export type TicketUpdate = Updateable<Omit<TicketRow, 'id'>>;
/** An attachment's description, without its bytes. */
export type AttachmentRow = Omit<Selectable<Schema['ticket_attachments']>, 'bytes' | 'sha256'>;
export type NewAttachment = { filename: string; contentType: string; content: Uint8Array };
/** A transaction of the log's append (see AppendEffect), or none: the repository opens one. */
export type Executor = Transaction<Schema>;

/** Which tickets a list shows; the service resolves routing into slugs first. */
export type TicketFilter = {
  status?: string;
  /** Tickets of these services only (a service's view, or the viewer's queue). */
  services?: readonly string[];
  requester?: string;
  /** Tickets someone took, or routed to them through these services. */
  assignee?: { handle: string; routedServices: readonly string[] };
  /** Tickets nobody took whose service routes to nobody (or that have no service). */
  unassigned?: { unroutedServices: readonly string[] };
  before?: number;
  limit: number;
};

/** The help desk's tables. */
export class TicketRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: Pick<Database, 'db'>) {
    this.#db = database.db;
  }

  async lastId(): Promise<number> {
    const row = await this.#db
      .selectFrom('tickets')
      .select((eb) => eb.fn.max('id').as('last'))
      .executeTakeFirst();
    return row?.last == null ? 0 : Number(row.last);
  }

  async insertTicket(trx: Executor, row: TicketRow, watchers: readonly string[]): Promise<void> {
    await trx.insertInto('tickets').values(row).execute();
    if (watchers.length > 0) {
      await trx
        .insertInto('ticket_watchers')
        .values(watchers.map((handle) => ({ ticket_id: row.id, handle })))
        .execute();
    }
  }

  /**
   * Changes a ticket and appends to its timeline, in `trx` or a transaction of its own, then
   * runs `after` in the same transaction. Returns the IDs of the new timeline items, in order.
   */
  async commit(
    trx: Executor | undefined,
    id: number,
    changes: TicketUpdate,
    items: readonly NewTicketItem[],
    after?: (trx: Executor, itemIds: number[]) => Promise<void>,
  ): Promise<number[]> {
    const work = async (t: Executor) => {
      if (Object.keys(changes).length > 0) {
        await t.updateTable('tickets').set(changes).where('id', '=', id).execute();
      }
      const ids =
        items.length === 0
          ? []
          : (
              await t
                .insertInto('ticket_items')
                .values(items.map((item) => ({ ...item, ticket_id: id })))
                .returning('id')
                .execute()
            ).map((r) => Number(r.id));
      await after?.(t, ids);
      return ids;
    };
    return trx ? work(trx) : this.#db.transaction().execute(work);
  }

  async insertAttachments(
    trx: Executor,
    ticketId: number,
    itemId: number | null,
    files: readonly NewAttachment[],
  ): Promise<void> {
    if (files.length === 0) return;
    await trx
      .insertInto('ticket_attachments')
      .values(
        files.map((file) => ({
          ticket_id: ticketId,
          item_id: itemId,
          filename: file.filename,
          content_type: file.contentType,
          size: file.content.length,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          bytes: file.content,
        })),
      )
      .execute();
  }

  /** Every attachment of a ticket, the request's and the comments'. */
  async attachments(ticketId: number): Promise<AttachmentRow[]> {
    return this.#db
      .selectFrom('ticket_attachments')
      .select(['id', 'ticket_id', 'item_id', 'filename', 'content_type', 'size'])
      .where('ticket_id', '=', ticketId)
      .orderBy('id')
      .execute();
  }

  /** The attachments of the requests themselves (not of comments), per ticket. */
  async requestAttachments(ids: readonly number[]): Promise<Map<number, AttachmentRow[]>> {
    const map = new Map<number, AttachmentRow[]>();
    if (ids.length === 0) return map;
    const rows = await this.#db
      .selectFrom('ticket_attachments')
      .select(['id', 'ticket_id', 'item_id', 'filename', 'content_type', 'size'])
      .where('ticket_id', 'in', ids)
      .where('item_id', 'is', null)
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const id = Number(row.ticket_id);
      map.set(id, [...(map.get(id) ?? []), row]);
    }
    return map;
  }

  async attachmentBytes(
    ticketId: number,
    id: number,
  ): Promise<Selectable<Schema['ticket_attachments']> | undefined> {
    return this.#db
      .selectFrom('ticket_attachments')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Tickets opened after ticket `id`, oldest first (for the notifier). */
  async ticketsAfter(id: number, limit: number): Promise<TicketRow[]> {
    return this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '>', id)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Timeline items after item `id`, oldest first (for the notifier). */
  async itemsAfter(id: number, limit: number): Promise<TicketItemRow[]> {
    return this.#db
      .selectFrom('ticket_items')
      .selectAll()
      .where('id', '>', id)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async item(id: number): Promise<TicketItemRow | undefined> {
    return this.#db.selectFrom('ticket_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async ticket(id: number): Promise<TicketRow | undefined> {
    return this.#db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async tickets(filter: TicketFilter): Promise<TicketRow[]> {
    let query = this.#db.selectFrom('tickets').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.services !== undefined) {
      if (filter.services.length === 0) return [];
      query = query.where('service', 'in', filter.services);
    }
    if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
    if (filter.assignee !== undefined) {
      const { handle, routedServices } = filter.assignee;
      query = query.where((eb) =>
        eb.or([
          eb('assignee', '=', handle),
          ...(routedServices.length > 0
            ? [eb.and([eb('assignee', 'is', null), eb('service', 'in', routedServices)])]
            : []),
        ]),
      );
    }
    if (filter.unassigned !== undefined) {
      const { unroutedServices } = filter.unassigned;
      query = query
        .where('assignee', 'is', null)
        .where((eb) =>
          eb.or([
            eb('service', 'is', null),
            ...(unroutedServices.length > 0 ? [eb('service', 'in', unroutedServices)] : []),
          ]),
        );
    }
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }

  async watchers(ids: readonly number[]): Promise<Map<number, string[]>> {
    const map = new Map<number, string[]>();
    if (ids.length === 0) return map;
    const rows = await this.#db
      .selectFrom('ticket_watchers')
      .selectAll()
      .where('ticket_id', 'in', ids)
      .orderBy('handle')
      .execute();
    for (const row of rows) {
      const id = Number(row.ticket_id);
      map.set(id, [...(map.get(id) ?? []), row.handle]);
    }
    return map;
  }

  async setWatching(id: number, handle: string, watch: boolean): Promise<void> {
    if (watch) {
      await this.#db
        .insertInto('ticket_watchers')
        .values({ ticket_id: id, handle })
        .onConflict((oc) => oc.columns(['ticket_id', 'handle']).doNothing())
        .execute();
    } else {
      await this.#db
        .deleteFrom('ticket_watchers')
        .where('ticket_id', '=', id)
        .where('handle', '=', handle)
        .execute();
    }
  }

  /** Comments per ticket: all of them, and the public ones. */
  async commentCounts(ids: readonly number[]): Promise<Map<number, { all: number; open: number }>> {
    const map = new Map<number, { all: number; open: number }>();
    if (ids.length === 0) return map;
    const rows = await this.#db
      .selectFrom('ticket_items')
      .select(['ticket_id', 'private'])
      .select((eb) => eb.fn.countAll().as('count'))
      .where('ticket_id', 'in', ids)
      .where('kind', '=', 'comment')
      .groupBy(['ticket_id', 'private'])
      .execute();
    for (const row of rows) {
      const id = Number(row.ticket_id);
      const counts = map.get(id) ?? { all: 0, open: 0 };
      counts.all += Number(row.count);
      if (!row.private) counts.open += Number(row.count);
      map.set(id, counts);
    }
    return map;
  }

  async items(id: number): Promise<TicketItemRow[]> {
    return this.#db
      .selectFrom('ticket_items')
      .selectAll()
      .where('ticket_id', '=', id)
      .orderBy('id')
      .execute();
  }

  async openCount(service: string): Promise<number> {
    const row = await this.#db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('service', '=', service)
      .where('status', 'in', ['new', 'open', 'waiting'])
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async openPublic(service: string, limit: number): Promise<TicketRow[]> {
    return this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('service', '=', service)
      .where('status', 'in', ['new', 'open', 'waiting'])
      .where('private', '=', 0)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Opening and first answer of a service's answered tickets opened since `since`. */
  async answerTimes(
    service: string,
    since: string,
  ): Promise<{ created_at: string; first_answer_at: string }[]> {
    const rows = await this.#db
      .selectFrom('tickets')
      .select(['created_at', 'first_answer_at'])
      .where('service', '=', service)
      .where('created_at', '>=', since)
      .where('first_answer_at', 'is not', null)
      .execute();
    return rows.flatMap((r) =>
      r.first_answer_at ? [{ created_at: r.created_at, first_answer_at: r.first_answer_at }] : [],
    );
  }
}
