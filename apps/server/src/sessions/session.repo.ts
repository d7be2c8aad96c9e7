import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';

export type SessionRow = Schema['sessions'];
export type SessionUpdate = Updateable<Omit<SessionRow, 'id'>>;
/** What a write of pieces changes in the session's row. */
export type PieceTotals = Pick<SessionRow, 'input_bytes' | 'output_bytes' | 'pieces' | 'chunks'>;

const PIECES_PER_INSERT = 1000;

/** Sessions and the sealed pieces of their transcripts. */
export class SessionRepository {
  readonly #db: Kysely<Schema>;
  readonly #sqliteTransaction: Database['sqliteTransaction'];

  constructor(database: Pick<Database, 'db' | 'sqliteTransaction'>) {
    this.#db = database.db;
    this.#sqliteTransaction = database.sqliteTransaction;
  }

  async insertSession(trx: Transaction<Schema>, row: SessionRow): Promise<void> {
    await trx.insertInto('sessions').values(row).execute();
  }

  async updateSession(
    trx: Transaction<Schema> | undefined,
    id: string,
    changes: SessionUpdate,
  ): Promise<void> {
    await (trx ?? this.#db).updateTable('sessions').set(changes).where('id', '=', id).execute();
  }

  /**
   * Stores sealed pieces (numbered from `first`) and, if given, the session's new totals: in
   * `trx`, or in a transaction of their own.
   */
  async insertPieces(
    trx: Transaction<Schema> | undefined,
    id: string,
    first: number,
    sealed: readonly Uint8Array[],
    totals?: PieceTotals,
  ): Promise<void> {
    if (!trx && this.#sqliteTransaction) {
      // Every keystroke waits for this write: on SQLite it skips Kysely (NodeSqliteDialect).
      await this.#sqliteTransaction((prepare) => {
        const insert = prepare(
          'insert into session_pieces (session_id, seq, sealed) values (?, ?, ?)',
        );
        sealed.forEach((piece, i) => insert.run(id, first + i, piece));
        if (totals) {
          prepare(
            'update sessions set input_bytes = ?, output_bytes = ?, pieces = ?, chunks = ? where id = ?',
          ).run(totals.input_bytes, totals.output_bytes, totals.pieces, totals.chunks, id);
        }
      });
      return;
    }
    if (!trx) {
      await this.#db.transaction().execute((t) => this.insertPieces(t, id, first, sealed, totals));
      return;
    }
    // Rows in batches well below SQLite's 32,766 parameters.
    for (let i = 0; i < sealed.length; i += PIECES_PER_INSERT) {
      await trx
        .insertInto('session_pieces')
        .values(
          sealed
            .slice(i, i + PIECES_PER_INSERT)
            .map((piece, j) => ({ session_id: id, seq: first + i + j, sealed: piece })),
        )
        .execute();
    }
    if (totals) await trx.updateTable('sessions').set(totals).where('id', '=', id).execute();
  }

  async session(id: string): Promise<SessionRow | undefined> {
    return this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async sessions(filter: {
    host?: string;
    state?: 'open' | 'ended';
    limit: number;
  }): Promise<SessionRow[]> {
    let query = this.#db.selectFrom('sessions').selectAll();
    if (filter.host !== undefined) query = query.where('host', '=', filter.host);
    if (filter.state === 'open') query = query.where('state', '!=', 'ended');
    if (filter.state === 'ended') query = query.where('state', '=', 'ended');
    return query.orderBy('started_at', 'desc').orderBy('id').limit(filter.limit).execute();
  }

  /** Sessions still marked open: after a restart, the server ended none of them. */
  async openSessions(): Promise<SessionRow[]> {
    return this.#db.selectFrom('sessions').selectAll().where('state', '!=', 'ended').execute();
  }

  async pieces(id: string): Promise<Uint8Array[]> {
    const rows = await this.#db
      .selectFrom('session_pieces')
      .select('sealed')
      .where('session_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.sealed);
  }

  /** Whether a session on `host` started or ended after `since`, or is still open. */
  async activeSince(host: string, since: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('sessions')
      .select('id')
      .where('host', '=', host)
      .where((eb) =>
        eb.or([
          eb('started_at', '>', since),
          eb('ended_at', '>', since),
          eb('state', '!=', 'ended'),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
