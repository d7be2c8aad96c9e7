import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** The latest checkpoint a witness cosigned, with its signature line. */
export type StoredCosignature = {
  witnessKey: string;
  size: number;
  /** Base64. */
  rootHash: string;
  line: string;
  cosignedAt: string;
};

/** The cosignatures the server collected, one per witness: its latest. */
export class WitnessRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: { db: Kysely<Schema> }) {
    this.#db = database.db;
  }

  async all(): Promise<StoredCosignature[]> {
    const rows = await this.#db
      .selectFrom('witness_cosignatures')
      .select(['witness_key', 'size', 'root_hash', 'line', 'cosigned_at'])
      .orderBy('witness_key')
      .execute();
    return rows.map((row) => ({
      witnessKey: row.witness_key,
      size: Number(row.size),
      rootHash: row.root_hash,
      line: row.line,
      cosignedAt: row.cosigned_at,
    }));
  }

  /** Keeps a witness's latest cosignature, in place of the one before. */
  async store(cosignature: StoredCosignature): Promise<void> {
    await this.#db
      .insertInto('witness_cosignatures')
      .values({
        witness_key: cosignature.witnessKey,
        size: cosignature.size,
        root_hash: cosignature.rootHash,
        line: cosignature.line,
        cosigned_at: cosignature.cosignedAt,
      })
      .onConflict((oc) =>
        oc.column('witness_key').doUpdateSet((eb) => ({
          size: eb.ref('excluded.size'),
          root_hash: eb.ref('excluded.root_hash'),
          line: eb.ref('excluded.line'),
          cosigned_at: eb.ref('excluded.cosigned_at'),
        })),
      )
      .execute();
  }
}
