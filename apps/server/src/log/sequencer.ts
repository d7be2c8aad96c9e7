import { bytesEqual, concatBytes } from '@allmende/bytes';
import {
  HASH_SIZE,
  TILE_WIDTH,
  leafHash,
  nodeFromTiles,
  rootFromNodes,
  treeHash,
  type Tile,
} from '@allmende/tlog';
import { AppError } from '../errors.ts';
import type { AppendEffect, LogRepository, StoredTile } from './log.repo.ts';

/** Bounded by the SQL parameter limits of SQLite (32,766) and PostgreSQL (65,535). */
const MAX_BATCH = 4096;

type Pending = {
  entry: Uint8Array;
  effect: AppendEffect | undefined;
  resolve: (index: number) => void;
  reject: (error: unknown) => void;
};

/**
 * The single writer of the log, with group commit: every append that arrives while a commit is
 * under way joins the next one, so concurrent callers share one transaction (one fsync). An
 * append resolves with its index only after its transaction committed.
 *
 * The sequencer keeps the rightmost tile of each level in memory (the "edge"): that is all it
 * needs to extend the tree, to write the tiles a batch changes, and to compute the root.
 */
export class Sequencer {
  readonly #repo: LogRepository;
  readonly #onCommit: (size: number) => void;
  #queue: Pending[] = [];
  /** The running flush, if any: appends queued meanwhile join its next batch. */
  #flushing: Promise<void> | undefined;
  #size = 0;
  /** edge[level] = hashes of the rightmost, not yet full tile of that level. */
  #edge: Uint8Array[][] = [];
  #broken: AppError | undefined;

  private constructor(repo: LogRepository, onCommit: (size: number) => void) {
    this.#repo = repo;
    this.#onCommit = onCommit;
  }

  static async open(
    repo: LogRepository,
    onCommit: (size: number) => void = () => {},
  ): Promise<Sequencer> {
    const sequencer = new Sequencer(repo, onCommit);
    await sequencer.#load();
    return sequencer;
  }

  /** The number of durable entries. */
  get size(): number {
    return this.#size;
  }

  /** Appends an entry; `effect` commits in the same transaction (see AppendEffect). */
  append(entry: Uint8Array, effect?: AppendEffect): Promise<number> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, effect, resolve, reject });
      // Let every append issued in this turn of the event loop join the first batch.
      this.#flushing ??= new Promise((resolve) => setImmediate(resolve)).then(() => this.#flush());
    });
  }

  /** The root hash of the tree of all durable entries. */
  rootHash(): Uint8Array {
    const size = this.#size;
    return rootFromNodes(size, (node) =>
      nodeFromTiles(node, size, (tile) => {
        const hashes = this.edgeTile(tile);
        // The root's subtrees all lie in the rightmost tile of their level.
        if (!hashes)
          throw new AppError('INTERNAL', `tile ${tile.level}/${tile.index} is not on the edge`);
        return hashes;
      }),
    );
  }

  /**
   * The hashes of `tile` if it is the rightmost tile of its level, cut to its width; else
   * undefined (it is full, and stored).
   */
  edgeTile(tile: Tile): Uint8Array | undefined {
    const hashes = this.#edge[tile.level];
    if (
      !hashes ||
      tile.index !== rightmostTileIndex(this.#size, tile.level) ||
      hashes.length < tile.width
    ) {
      return undefined;
    }
    return concatBytes(...hashes.slice(0, tile.width));
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#commitBatch(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#flushing = undefined;
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    const entries = batch.map((p) => p.entry);
    const first = this.#size;
    const { edge, tiles } = extendEdge(this.#edge, first, entries.map(leafHash));
    try {
      const effects = new Map<number, AppendEffect>();
      batch.forEach((p, i) => p.effect && effects.set(first + i, p.effect));
      await this.#repo.appendBatch(first, entries, tiles, effects);
    } catch (error) {
      const failure =
        error instanceof AppError
          ? error
          : new AppError('UNAVAILABLE', 'the log could not store the entry', { cause: error });
      for (const p of batch) p.reject(failure);
      // A failed commit may still have reached the disk (a connection lost during COMMIT):
      // start again from what the database holds, never from what we hoped it holds.
      await this.#reload();
      return;
    }
    this.#edge = edge;
    this.#size = first + entries.length;
    batch.forEach((p, i) => p.resolve(first + i));
    this.#onCommit(this.#size);
  }

  /** Resolves once every append made so far has been committed or refused. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #reload(): Promise<void> {
    try {
      await this.#load();
    } catch (error) {
      this.#broken = new AppError('UNAVAILABLE', 'the log cannot reach its database', {
        cause: error,
      });
      for (const p of this.#queue.splice(0)) p.reject(this.#broken);
    }
  }

  async #load(): Promise<void> {
    const [size, tiles] = await Promise.all([this.#repo.size(), this.#repo.rightmostTiles()]);
    const edge: Uint8Array[][] = [];
    for (let level = 0; size >= TILE_WIDTH ** level && level < 8; level++) {
      const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
      const stored = tiles.find((t) => t.level === level);
      const index = rightmostTileIndex(size, level);
      const hashes = width === 0 ? [] : stored?.index === index ? splitHashes(stored.hashes) : [];
      if (hashes.length < width) {
        throw new AppError(
          'UNAVAILABLE',
          `the log's tiles do not match its ${size} entries (level ${level} tile ${index} holds ${hashes.length} of ${width} hashes)`,
        );
      }
      edge.push(hashes.slice(0, width));
    }
    // The newest entries are what a crash would have torn: check them against their hashes.
    const newest = await this.#repo.entries(size - (edge[0]?.length ?? 0), size);
    const torn = newest.findIndex((entry, i) => !bytesEqual(leafHash(entry), edge[0]![i]!));
    if (torn >= 0) {
      throw new AppError(
        'UNAVAILABLE',
        `entry ${size - newest.length + torn} does not match its hash in the log's tiles`,
      );
    }
    this.#size = size;
    this.#edge = edge;
  }
}

export function rightmostTileIndex(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** (level + 1));
}

/**
 * Appends leaf hashes to the edge. Returns the new edge and every tile to write: tiles that
 * became full, and the new rightmost tile of each level that changed.
 */
export function extendEdge(
  edge: readonly Uint8Array[][],
  size: number,
  leafHashes: readonly Uint8Array[],
): { edge: Uint8Array[][]; tiles: StoredTile[] } {
  const next = edge.map((hashes) => hashes);
  const touched = new Set<number>();
  const tiles: StoredTile[] = [];
  const push = (level: number, hash: Uint8Array, nodes: number) => {
    // `nodes` counts the level's nodes before this one; it decides the tile this hash lands in.
    if (!touched.has(level)) {
      next[level] = [...(next[level] ?? [])];
      touched.add(level);
    }
    const hashes = next[level]!;
    hashes.push(hash);
    if (hashes.length === TILE_WIDTH) {
      tiles.push({ level, index: Math.floor(nodes / TILE_WIDTH), hashes: concatBytes(...hashes) });
      next[level] = [];
      push(level + 1, treeHash(hashes), Math.floor(nodes / TILE_WIDTH));
    }
  };
  leafHashes.forEach((hash, i) => push(0, hash, size + i));
  const newSize = size + leafHashes.length;
  for (const level of touched) {
    const hashes = next[level]!;
    if (hashes.length > 0) {
      tiles.push({
        level,
        index: rightmostTileIndex(newSize, level),
        hashes: concatBytes(...hashes),
      });
    }
  }
  return { edge: next, tiles };
}

function splitHashes(bytes: Uint8Array): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (let offset = 0; offset + HASH_SIZE <= bytes.length; offset += HASH_SIZE) {
    hashes.push(bytes.subarray(offset, offset + HASH_SIZE));
  }
  return hashes;
}
