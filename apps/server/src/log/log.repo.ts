import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export type StoredTile = { level: number; index: number; hashes: Uint8Array };
export type StoredCheckpoint = { size: number; note: string };

/**
 * Work that must commit together with an entry, such as the cooperative's projection of a
 * statement: it runs in the entry's transaction and learns the entry's index.
 */
export type AppendEffect = (trx: Transaction<Schema>, index: number) => Promise<void>;

/** The log's tables: entries, the current bytes of each hash tile, and signed checkpoints. */
export class LogRepository {
  readonly #db: Kysely<Schema>;
  readonly #holdsWriterLock: () => boolean;

  constructor(database: Pick<Database, 'db' | 'holdsWriterLock'>) {
    this.#db = database.db;
    this.#holdsWriterLock = database.holdsWriterLock;
  }

  /**
   * Writes a batch of entries starting at `firstIndex` together with every tile the batch
   * changed, in one transaction: the log and its tiles are durable together or not at all.
   */
  async appendBatch(
    firstIndex: number,
    entries: Uint8Array[],
    tiles: StoredTile[],
    effects: ReadonlyMap<number, AppendEffect> = new Map(),
  ): Promise<void> {
    if (!this.#holdsWriterLock()) {
      throw new AppError('UNAVAILABLE', 'this server lost its lock on the database; restart it');
    }
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('log_entries')
        .values(entries.map((entry, i) => ({ idx: firstIndex + i, entry })))
        .execute();
      for (const [index, effect] of effects) await effect(trx, index);
      if (tiles.length === 0) return;
      await trx
        .insertInto('log_tiles')
        .values(tiles.map((t) => ({ level: t.level, tile_index: t.index, hashes: t.hashes })))
        .onConflict((oc) =>
          oc
            .columns(['level', 'tile_index'])
            .doUpdateSet((eb) => ({ hashes: eb.ref('excluded.hashes') })),
        )
        .execute();
    });
  }

  /** The number of entries: one more than the highest index, as indexes have no gaps. */
  async size(): Promise<number> {
    const row = await this.#db
      .selectFrom('log_entries')
      .select((eb) => eb.fn.max('idx').as('last'))
      .executeTakeFirst();
    return row?.last == null ? 0 : Number(row.last) + 1;
  }

  async entries(start: number, end: number): Promise<Uint8Array[]> {
    const rows = await this.#db
      .selectFrom('log_entries')
      .select('entry')
      .where('idx', '>=', start)
      .where('idx', '<', end)
      .orderBy('idx')
      .execute();
    return rows.map((row) => row.entry);
  }

  async tile(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom('log_tiles')
      .select('hashes')
      .where('level', '=', level)
      .where('tile_index', '=', index)
      .executeTakeFirst();
    return row?.hashes;
  }

  /** The rightmost tile of every level, from which the sequencer resumes after a restart. */
  async rightmostTiles(): Promise<StoredTile[]> {
    const rows = await this.#db
      .selectFrom('log_tiles as t')
      .select(['t.level', 't.tile_index', 't.hashes'])
      .where((eb) =>
        eb(
          't.tile_index',
          '=',
          eb
            .selectFrom('log_tiles as u')
            .select((u) => u.fn.max('u.tile_index').as('m'))
            .whereRef('u.level', '=', 't.level'),
        ),
      )
      .orderBy('t.level')
      .execute();
    return rows.map((row) => ({
      level: row.level,
      index: Number(row.tile_index),
      hashes: row.hashes,
    }));
  }

  async storeCheckpoint(checkpoint: StoredCheckpoint, createdAt: Date): Promise<void> {
    await this.#db
      .insertInto('log_checkpoints')
      .values({ size: checkpoint.size, note: checkpoint.note, created_at: createdAt.toISOString() })
      .onConflict((oc) => oc.column('size').doUpdateSet({ note: checkpoint.note }))
      .execute();
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#db
      .selectFrom('log_checkpoints')
      .select(['size', 'note'])
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
