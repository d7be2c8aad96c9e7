import { bytesEqual } from '@allmende/bytes';
import {
  type StatementDraft,
  type Statement,
  decodeStatement,
  encodeStatement,
  isStatementProblem,
} from '@allmende/protocol';
import {
  HASH_SIZE,
  TILE_WIDTH,
  type NodeId,
  type SignerKey,
  type Tile,
  consistencyProofNodes,
  encodeEntryBundle,
  formatCheckpoint,
  inclusionProofNodes,
  leafHash,
  nodeFromTiles,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  proveConsistency,
  proveInclusion,
  rootFromNodes,
  signNote,
  subtreeNodes,
  tileForNode,
} from '@allmende/tlog';
import { AppError } from '../errors.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { AppendEffect, LogRepository, StoredCheckpoint } from './log.repo.ts';
import { LruCache } from './lru-cache.ts';
import { Sequencer } from './sequencer.ts';

export type Checkpoint = { size: number; rootHash: Uint8Array; note: string };
export type EntryRecord = { index: number; entry: Uint8Array; statement: Statement };

export type LogServiceOptions = {
  repo: LogRepository;
  /** The log's note signer; its name is the log's origin. */
  signer: SignerKey;
  checkpointIntervalMs: number;
  metrics: Metrics;
  now?: () => Date;
};

/**
 * The public log: appends statements, publishes signed checkpoints (C2SP tlog-checkpoint) at
 * most `checkpointIntervalMs` after an append and never while idle, and serves tiles, entry
 * bundles and proofs from what is durable.
 */
export class LogService {
  readonly origin: string;
  readonly verifierKey: string;
  readonly #repo: LogRepository;
  readonly #signer: SignerKey;
  readonly #intervalMs: number;
  readonly #now: () => Date;
  readonly #fullTiles = new LruCache<Uint8Array>(32 * 1024 * 1024);
  readonly #fullBundles = new LruCache<Uint8Array>(64 * 1024 * 1024);
  readonly #listeners = new Set<(checkpoint: Checkpoint) => void>();
  readonly #metrics: ReturnType<typeof logMetrics>;
  #sequencer!: Sequencer;
  #checkpoint: Checkpoint = { size: 0, rootHash: new Uint8Array(), note: '' };
  #timer: NodeJS.Timeout | undefined;
  #publishing: Promise<void> | undefined;
  #lastPublishedAt = 0;
  #closed = false;

  private constructor(options: LogServiceOptions) {
    this.#repo = options.repo;
    this.#signer = options.signer;
    this.origin = this.#signer.name;
    this.verifierKey = this.#signer.verifierKey;
    this.#intervalMs = options.checkpointIntervalMs;
    this.#now = options.now ?? (() => new Date());
    this.#metrics = logMetrics(options.metrics);
  }

  static async open(options: LogServiceOptions): Promise<LogService> {
    const service = new LogService(options);
    service.#sequencer = await Sequencer.open(options.repo, () => service.#committed());
    const stored = await options.repo.latestCheckpoint();
    if (stored && stored.size > service.#sequencer.size) {
      // Serving on would fork the log: clients hold a checkpoint this tree cannot extend.
      throw new AppError(
        'UNAVAILABLE',
        `the log signed a checkpoint of ${stored.size} entries but holds only ${service.#sequencer.size}`,
      );
    }
    if (stored) await service.#checkStillSigned(stored);
    if (stored && stored.size === service.#sequencer.size) {
      service.#checkpoint = { ...stored, rootHash: service.#sequencer.rootHash() };
    } else if (service.#sequencer.size > 0) {
      // Entries were committed after the last checkpoint (a crash): cover them now.
      await service.#publish();
    }
    service.#metrics.size.set(service.#sequencer.size);
    return service;
  }

  /** The number of durable entries; the latest checkpoint may still be a moment behind. */
  get size(): number {
    return this.#sequencer.size;
  }

  get checkpoint(): Checkpoint {
    return this.#checkpoint;
  }

  /** Calls `listener` with every checkpoint published from now on; returns the unsubscribe. */
  onCheckpoint(listener: (checkpoint: Checkpoint) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records a statement. Resolves once it is durable, with its index.
   * @throws AppError LOG_STATEMENT_INVALID, LOG_STATEMENT_TOO_LARGE, UNAVAILABLE
   */
  async append(
    draft: StatementDraft,
    effect?: AppendEffect,
  ): Promise<{ index: number; leafHash: Uint8Array }> {
    if (this.#closed) throw new AppError('UNAVAILABLE', 'the log is shutting down');
    const statement = { v: 1, time: this.#now().toISOString(), ...draft } as Statement;
    const bytes = encodeStatement(statement);
    if (isStatementProblem(bytes)) {
      const code =
        bytes.reason === 'too-large' ? 'LOG_STATEMENT_TOO_LARGE' : 'LOG_STATEMENT_INVALID';
      throw new AppError(code, bytes.message);
    }
    const index = await this.#sequencer.append(bytes, effect);
    this.#metrics.appends.inc();
    return { index, leafHash: leafHash(bytes) };
  }

  /** Entries [start, end), clipped to the durable log. */
  async entries(start: number, end: number): Promise<EntryRecord[]> {
    const last = Math.min(end, this.size);
    if (start >= last) return [];
    const entries = await this.#repo.entries(start, last);
    return entries.map((entry, i) => {
      const statement = decodeStatement(entry);
      if (isStatementProblem(statement)) {
        throw new AppError(
          'INTERNAL',
          `entry ${start + i} cannot be decoded: ${statement.message}`,
        );
      }
      return { index: start + i, entry, statement };
    });
  }

  /**
   * RFC 6962 §2.1.1 audit path of entry `index` in the tree of `size` (default: the latest
   * checkpoint's size, so the proof checks against what clients have seen).
   */
  async inclusionProof(index: number, size = this.#checkpoint.size) {
    this.#checkSize(size);
    if (index >= size) {
      throw new AppError(
        'LOG_ENTRY_NOT_FOUND',
        index < this.size
          ? `entry ${index} is not yet covered by a checkpoint; ask again in a moment`
          : `the tree of size ${size} has no entry ${index}`,
      );
    }
    const readNode = await this.#nodeReader(size, [
      ...inclusionProofNodes(index, size).flat(),
      ...subtreeNodes(0, size),
    ]);
    const [entry] = await this.#repo.entries(index, index + 1);
    if (!entry) throw new AppError('LOG_ENTRY_NOT_FOUND', `no entry ${index}`);
    return {
      index,
      size,
      leafHash: leafHash(entry),
      rootHash: rootFromNodes(size, readNode),
      proof: proveInclusion(index, size, readNode),
    };
  }

  /** RFC 6962 §2.1.2 proof that the tree of size `from` is a prefix of the tree of size `to`. */
  async consistencyProof(from: number, to = this.#checkpoint.size) {
    this.#checkSize(to);
    if (from > to)
      throw new AppError('LOG_BAD_REQUEST', `from (${from}) must not exceed to (${to})`);
    const readNode = await this.#nodeReader(to, [
      ...consistencyProofNodes(from, to).flat(),
      ...subtreeNodes(0, from),
      ...subtreeNodes(0, to),
    ]);
    return {
      from,
      to,
      fromRootHash: rootFromNodes(from, readNode),
      toRootHash: rootFromNodes(to, readNode),
      proof: proveConsistency(from, to, readNode),
    };
  }

  /** A hash tile at the given width (C2SP tlog-tiles), only from durable entries. */
  async hashTile(tile: Tile): Promise<Uint8Array> {
    const fromEdge = this.#sequencer.edgeTile(tile);
    if (fromEdge) return fromEdge;
    const key = `${tile.level}/${tile.index}`;
    let stored = this.#fullTiles.get(key);
    if (!stored) {
      stored = await this.#repo.tile(tile.level, tile.index);
      if (stored?.length === TILE_WIDTH * HASH_SIZE) this.#fullTiles.set(key, stored);
    }
    if (!stored || stored.length < tile.width * HASH_SIZE) {
      throw new AppError(
        'LOG_TILE_NOT_FOUND',
        `the log has no tile ${tile.level}/${tile.index} of width ${tile.width}`,
      );
    }
    return stored.subarray(0, tile.width * HASH_SIZE);
  }

  /** The entry bundle of tile `index` with `width` entries: each entry behind a uint16 length. */
  async entryBundle(index: number, width: number): Promise<Uint8Array> {
    const start = index * TILE_WIDTH;
    if (start + width > this.size) {
      throw new AppError(
        'LOG_TILE_NOT_FOUND',
        `the log has no entry bundle ${index} of width ${width}`,
      );
    }
    const key = String(index);
    const full = width === TILE_WIDTH ? this.#fullBundles.get(key) : undefined;
    if (full) return full;
    const entries = await this.#repo.entries(start, start + width);
    const bundle = encodeEntryBundle(entries);
    if (width === TILE_WIDTH) this.#fullBundles.set(key, bundle);
    return bundle;
  }

  /**
   * Stops accepting appends, lets those under way commit, publishes a last checkpoint for what
   * is durable, and stops.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#sequencer.drain();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#publishing;
    if (this.#sequencer.size > this.#checkpoint.size) await this.#publish().catch(() => {});
  }

  /**
   * The tree must still hash to what the last checkpoint signed; otherwise its tiles were
   * changed behind the log's back, and serving them would show clients another history.
   */
  async #checkStillSigned(stored: StoredCheckpoint): Promise<void> {
    const opened = await openNote(stored.note, [parseVerifierKey(this.verifierKey)]);
    const signed = parseCheckpoint(opened.text);
    const root = rootFromNodes(
      signed.size,
      await this.#nodeReader(signed.size, subtreeNodes(0, signed.size)),
    );
    if (!bytesEqual(root, signed.rootHash)) {
      throw new AppError(
        'UNAVAILABLE',
        `the log's tiles no longer hash to the root of its last signed checkpoint (size ${signed.size}); its database was changed`,
      );
    }
  }

  #checkSize(size: number): void {
    if (size > this.size) {
      throw new AppError('LOG_SIZE_BEYOND_TREE', `the log has ${this.size} entries, not ${size}`);
    }
  }

  /** Fetches every tile that holds or derives `nodes` in the tree of `size`, then reads from them. */
  async #nodeReader(size: number, nodes: readonly NodeId[]): Promise<(node: NodeId) => Uint8Array> {
    const tiles = new Map<string, Tile>();
    for (const node of nodes) {
      const tile = tileForNode(node, size);
      tiles.set(`${tile.level}/${tile.index}/${tile.width}`, tile);
    }
    const fetched = new Map<string, Uint8Array>();
    await Promise.all(
      [...tiles].map(async ([key, tile]) => fetched.set(key, await this.hashTile(tile))),
    );
    return (node) =>
      nodeFromTiles(node, size, (tile) => {
        const bytes = fetched.get(`${tile.level}/${tile.index}/${tile.width}`);
        if (!bytes)
          throw new AppError('INTERNAL', `tile ${tile.level}/${tile.index} was not fetched`);
        return bytes;
      });
  }

  #committed(): void {
    this.#metrics.size.set(this.#sequencer.size);
    if (!this.#timer && !this.#publishing && !this.#closed) this.#schedule();
  }

  #schedule(): void {
    const wait = Math.max(0, this.#lastPublishedAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#publishing = this.#publish()
        .catch(() => this.#metrics.checkpointFailures.inc())
        .finally(() => {
          this.#publishing = undefined;
          if (this.#sequencer.size > this.#checkpoint.size && !this.#closed) this.#schedule();
        });
    }, wait);
  }

  async #publish(): Promise<void> {
    const size = this.#sequencer.size;
    const rootHash = this.#sequencer.rootHash();
    const note = await signNote(
      formatCheckpoint({ origin: this.origin, size, rootHash }),
      this.#signer,
    );
    // Stored before it is served: after a restart the log serves it (or a newer one) again.
    await this.#repo.storeCheckpoint({ size, note }, this.#now());
    this.#lastPublishedAt = Date.now();
    this.#checkpoint = { size, rootHash, note };
    this.#metrics.checkpointSize.set(size);
    for (const listener of this.#listeners) listener(this.#checkpoint);
  }
}

function logMetrics(metrics: Metrics) {
  return {
    appends: metrics.counter('allmende_log_appends_total', 'Statements appended to the log.'),
    size: metrics.gauge('allmende_log_size', 'Durable entries in the log.'),
    checkpointSize: metrics.gauge(
      'allmende_log_checkpoint_size',
      'Tree size of the latest checkpoint.',
    ),
    checkpointFailures: metrics.counter(
      'allmende_log_checkpoint_failures_total',
      'Checkpoints that could not be signed or stored (retried).',
    ),
  };
}
