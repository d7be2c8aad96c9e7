import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { WITNESS_DATABASE_FILE } from './witness-config.ts';
import { WitnessError } from './witness-error.ts';

/** The latest checkpoint this witness cosigned for a log. */
export type CosignedCheckpoint = {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** The checkpoint with the log's verified signatures and this witness's cosignature. */
  note: string;
  /** ISO 8601. */
  cosignedAt: string;
};

/** A request this witness refused although the log signed it: evidence of a misbehaving log. */
export type Evidence = { origin: string; receivedAt: string; reason: string; request: string };

/** Evidence kept per log; older requests give way, so that a log cannot fill the disk. */
const MAX_EVIDENCE_PER_LOG = 100;

const SCHEMA_VERSION = 1;

/**
 * What the witness cosigned, in SQLite in its folder (node:sqlite). Every method is
 * synchronous: within one process, nothing can come between a check and the write that
 * follows it; between processes, BEGIN IMMEDIATE does the same.
 */
export class WitnessStore {
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** @throws {WitnessError} WITNESS_CONFIG_INVALID if the database cannot be opened. */
  static open(dir: string): WitnessStore {
    const path = join(dir, WITNESS_DATABASE_FILE);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = WAL');
      // FULL: a cosignature is answered only once its checkpoint is on disk (tlog-witness).
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA busy_timeout = 10000');
    } catch (error) {
      throw new WitnessError(
        'WITNESS_CONFIG_INVALID',
        `cannot open ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const store = new WitnessStore(db);
    store.#migrate(path);
    return store;
  }

  #migrate(path: string): void {
    const { user_version: version } = this.#db.prepare('PRAGMA user_version').get() as {
      user_version: number;
    };
    if (version > SCHEMA_VERSION) {
      throw new WitnessError(
        'WITNESS_CONFIG_INVALID',
        `${path} was written by a newer allmende witness (schema ${version})`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    this.#transaction(() => {
      this.#db.exec(`
        CREATE TABLE checkpoints (
          origin TEXT PRIMARY KEY,
          size INTEGER NOT NULL,
          root_hash BLOB NOT NULL,
          note TEXT NOT NULL,
          cosigned_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE evidence (
          id INTEGER PRIMARY KEY,
          origin TEXT NOT NULL,
          received_at TEXT NOT NULL,
          reason TEXT NOT NULL,
          request TEXT NOT NULL
        ) STRICT;
        CREATE INDEX evidence_origin ON evidence (origin, id);
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    });
  }

  latest(origin: string): CosignedCheckpoint | undefined {
    const row = this.#db
      .prepare(
        'SELECT origin, size, root_hash, note, cosigned_at FROM checkpoints WHERE origin = ?',
      )
      .get(origin);
    return row === undefined ? undefined : toCheckpoint(row);
  }

  all(): CosignedCheckpoint[] {
    return this.#db
      .prepare('SELECT origin, size, root_hash, note, cosigned_at FROM checkpoints ORDER BY origin')
      .all()
      .map(toCheckpoint);
  }

  /**
   * The atomic check-and-store of C2SP tlog-witness: in one transaction, `check` sees the
   * latest cosigned checkpoint of the origin (or undefined) and either throws, which leaves it
   * in place, or returns the checkpoint that replaces it.
   */
  compareAndSwap(
    origin: string,
    check: (latest: CosignedCheckpoint | undefined) => CosignedCheckpoint,
  ): CosignedCheckpoint {
    return this.#transaction(() => {
      const next = check(this.latest(origin));
      this.#db
        .prepare(
          `INSERT INTO checkpoints (origin, size, root_hash, note, cosigned_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root_hash = excluded.root_hash,
             note = excluded.note, cosigned_at = excluded.cosigned_at`,
        )
        .run(origin, next.size, next.rootHash, next.note, next.cosignedAt);
      return next;
    });
  }

  recordEvidence(evidence: Evidence): void {
    this.#transaction(() => {
      this.#db
        .prepare('INSERT INTO evidence (origin, received_at, reason, request) VALUES (?, ?, ?, ?)')
        .run(evidence.origin, evidence.receivedAt, evidence.reason, evidence.request);
      this.#db
        .prepare(
          `DELETE FROM evidence WHERE origin = ? AND id NOT IN
             (SELECT id FROM evidence WHERE origin = ? ORDER BY id DESC LIMIT ?)`,
        )
        .run(evidence.origin, evidence.origin, MAX_EVIDENCE_PER_LOG);
    });
  }

  evidence(origin: string): Evidence[] {
    return this.#db
      .prepare(
        'SELECT origin, received_at, reason, request FROM evidence WHERE origin = ? ORDER BY id',
      )
      .all(origin)
      .map((row) => ({
        origin: String(row.origin),
        receivedAt: String(row.received_at),
        reason: String(row.reason),
        request: String(row.request),
      }));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

function toCheckpoint(row: Record<string, unknown>): CosignedCheckpoint {
  return {
    origin: String(row.origin),
    size: Number(row.size),
    rootHash: new Uint8Array(row.root_hash as Uint8Array),
    note: String(row.note),
    cosignedAt: String(row.cosigned_at),
  };
}
