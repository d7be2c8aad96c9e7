import { availableParallelism } from 'node:os';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  HASH_SIZE,
  TILE_HEIGHT,
  TILE_WIDTH,
  TlogError,
  checkCosignatures,
  decodeEntryBundle,
  encodeBase64,
  entriesPath,
  nodeFromTiles,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromNodes,
  subtreeNodes,
  tileForNode,
  tilePath,
  type Checkpoint,
  type EntryBundle,
  type NodeId,
  type Tile,
  type VerifierKey,
} from '@allmende/tlog';
import { BundleChecker } from './bundle-checker.ts';
import { LogClient } from './log-client.ts';
import { fullTileRoot, hashAt } from './tile-hash.ts';
import { TileCache, defaultCacheDir } from './tile-cache.ts';
import { VerifyError } from './verify-error.ts';

export { VerifyError, VERIFY_ERROR_CODES, type VerifyErrorCode } from './verify-error.ts';

/** Requests in flight at once: enough to hide latency, few enough to be polite. */
const DEFAULT_CONCURRENCY = 24;
/** Below this many bundles, starting worker threads costs more than it saves. */
const MIN_BUNDLES_FOR_THREADS = 16;
const MAX_THREADS = 4;
/** A checkpoint with a few hundred cosignatures stays far below this. */
const MAX_CHECKPOINT_BYTES = 1 << 20;

export type VerifyOptions = {
  /** The log's base URL; `<url>/checkpoint` and `<url>/tile/…` are read (C2SP tlog-tiles). */
  url: string;
  /** The log's note verifier key, `<name>+<hex key ID>+<base64 key>`; its name is the origin. */
  verifierKey: string;
  /** A signed checkpoint of this log saved earlier, which the current tree must extend. */
  previous?: string;
  /** Verifier keys of witnesses (C2SP tlog-cosignature, type 0x04) whose cosignatures count. */
  witnesses?: readonly string[];
  /** How many of them must have cosigned the checkpoint; by default all of them. */
  witnessQuorum?: number;
  /**
   * false: a checkpoint short of the quorum is reported in `quorumShortfall` instead of failing
   * the run, for a caller that waits for the witnesses to catch up.
   */
  requireQuorum?: boolean;
  /** Where downloads and the last verified checkpoint are kept; see {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Called as entries are verified. */
  progress?: (done: number, total: number) => void;
  fetch?: typeof fetch;
  /** Ends the run: requests under way are aborted and it fails with VERIFY_NETWORK. */
  signal?: AbortSignal;
  /**
   * The signed note of a checkpoint whose whole tree this process verified before (an earlier
   * report's `checkpoint`): the new tree must extend it, and only the entries after it are
   * fetched and checked. What comes before is tied to it by its root hash, which the new tiles
   * must reproduce. Only for a note verified in memory: one read from a file proves nothing
   * about the entries below it.
   */
  verifiedBefore?: string;
  /**
   * Receives the verified entries in log order, a bundle at a time, from the genesis (or from
   * the size of `verifiedBefore`). An entry handed over has passed its leaf hash and statement
   * checks; the run may still fail later on the root hash or the witnesses.
   */
  onEntries?: (entries: readonly LogEntry[]) => Promise<void> | void;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Worker threads that hash and check bundles; by default one per core but one, up to 4. */
  threads?: number;
};

/** A log entry by its index, as `onEntries` hands it over. */
export type LogEntry = { index: number; bytes: Uint8Array };

/** An earlier checkpoint the verified tree was shown to extend. */
export type ConsistencyCheck = {
  /**
   * `previous`: given by the caller; `cache`: the one this cache folder verified last time;
   * `before`: the one this process verified before (`verifiedBefore`).
   */
  against: 'previous' | 'cache' | 'before';
  size: number;
  rootHash: string;
};

/** What the checkpoint carries of one witness given. */
export type WitnessCheck =
  | { name: string; key: string; status: 'valid'; timestamp: number }
  | { name: string; key: string; status: 'missing' | 'invalid' };

export type VerifyReport = {
  url: string;
  origin: string;
  size: number;
  /** Base64, as in the checkpoint. */
  rootHash: string;
  /** The verified signed note, as served. */
  checkpoint: string;
  /** Entries whose bundles were fetched and checked: all, or those after `verifiedBefore`. */
  entriesChecked: number;
  /** Hash tiles and entry bundles hashed. */
  tilesChecked: number;
  /** Files fetched from the server, the checkpoint included. */
  downloaded: { files: number; bytes: number };
  /** Full tiles and bundles read from the cache instead (and hashed all the same). */
  cached: { files: number; bytes: number };
  consistency: ConsistencyCheck[];
  /** The witnesses given, in order, and whether each cosigned the checkpoint. */
  witnesses: WitnessCheck[];
  witnessQuorum: number;
  /** With `requireQuorum: false`, why the checkpoint is short of the quorum; else undefined. */
  quorumShortfall: string | undefined;
  cacheDir: string;
  /** The cache file of the newly verified checkpoint, unless writing it failed. */
  savedCheckpoint: string | undefined;
  /** Problems that did not affect the result, such as a cache that could not be written. */
  warnings: string[];
  elapsedMs: number;
};

type Fetched = { bytes: Uint8Array; cached: boolean; name: string };
type EarlierCheckpoint = {
  against: ConsistencyCheck['against'];
  what: string;
  checkpoint: Checkpoint;
};

/**
 * Verifies a whole log served per C2SP tlog-tiles: the checkpoint's signature, every entry
 * (RFC 6962 leaf hash and statement validity), every hash tile against the tiles below it, the
 * root hash, and that the tree extends `previous` and the checkpoint this cache folder verified
 * last time. Full tiles come from the cache when it has them, and are hashed all the same.
 *
 * @throws {VerifyError} on the first problem found, with a message naming it.
 */
export async function verifyLog(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const baseUrl = parseBaseUrl(options.url);
  const verifier = parseKey(options.verifierKey);
  const witnessKeys = parseWitnessKeys(options.witnesses ?? []);
  const quorum = options.witnessQuorum ?? witnessKeys.length;
  if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) {
    throw new VerifyError(
      'VERIFY_BAD_INPUT',
      `a witness quorum of ${quorum} needs at least ${quorum} witness keys (--witness), ${witnessKeys.length} given`,
    );
  }
  const client = new LogClient(baseUrl, options.fetch ?? globalThis.fetch, options.signal);

  const earlier: EarlierCheckpoint[] = [];
  if (options.verifiedBefore !== undefined) {
    const what = 'the checkpoint verified before';
    earlier.push({
      against: 'before',
      what,
      checkpoint: await openCheckpoint(options.verifiedBefore, verifier, what),
    });
  }
  if (options.previous !== undefined) {
    const what = 'previous checkpoint';
    earlier.push({
      against: 'previous',
      what,
      checkpoint: await openCheckpoint(options.previous, verifier, what),
    });
  }
  const cache = await TileCache.open(options.cacheDir ?? defaultCacheDir(baseUrl));

  const note = await client.get('checkpoint', 'checkpoint', MAX_CHECKPOINT_BYTES);
  if (/^\s*</.test(Buffer.from(note.subarray(0, 64)).toString('latin1'))) {
    throw new VerifyError(
      'VERIFY_BAD_CHECKPOINT',
      `checkpoint: ${baseUrl}/checkpoint is a web page, not a checkpoint; is ${baseUrl} the URL of the log (for Allmende, the server's address followed by /log)?`,
    );
  }
  const checkpoint = await openCheckpoint(note, verifier, 'checkpoint');
  const cachedNote = await cache.readCheckpoint();
  if (cachedNote !== undefined) {
    const what = `the checkpoint verified last time (${cache.checkpointPath})`;
    earlier.push({
      against: 'cache',
      what,
      checkpoint: await openCheckpoint(cachedNote, verifier, what),
    });
  }
  for (const { what, checkpoint: old } of earlier) {
    if (old.size > checkpoint.size) {
      throw new VerifyError(
        'VERIFY_INCONSISTENT',
        `${what} (size ${old.size}) is larger than this one (size ${checkpoint.size}): the log shrank`,
      );
    }
    // Two signed checkpoints of one size with different roots prove a fork without a download.
    if (old.size === checkpoint.size && !bytesEqual(old.rootHash, checkpoint.rootHash)) {
      throw inconsistent(what, old, checkpoint, old.rootHash);
    }
  }

  // Entries from `from` on are fetched and checked; see VerifyOptions.verifiedBefore.
  const before = earlier.find((e) => e.against === 'before')?.checkpoint;
  const unchanged =
    before !== undefined && earlier.every((e) => e.checkpoint.size === checkpoint.size);
  const from =
    before === undefined ? 0 : Math.min(...earlier.map((e) => e.checkpoint.size), checkpoint.size);
  const tree = new TreeVerifier({
    size: checkpoint.size,
    from: unchanged ? checkpoint.size : from,
    deliverFrom: before?.size ?? 0,
    onEntries: options.onEntries,
    client,
    cache,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    threads: options.threads ?? Math.min(MAX_THREADS, availableParallelism() - 1),
    progress: options.progress,
    rootSizes: earlier.map((e) => e.checkpoint.size),
  });
  // The same tree as verified before (the roots were compared above): nothing to fetch.
  if (!unchanged) await tree.verifyTiles();

  const root = unchanged ? checkpoint.rootHash : tree.rootHash(checkpoint.size);
  if (!bytesEqual(root, checkpoint.rootHash)) {
    throw new VerifyError(
      'VERIFY_MISMATCH',
      `checkpoint: root hash mismatch: the tiles hash to ${encodeBase64(root)}, the checkpoint says ${encodeBase64(checkpoint.rootHash)}`,
    );
  }
  // We hold every hash of the new tree, so the old root is recomputed from it directly: a
  // stronger check than an RFC 6962 consistency proof, and no server proof is needed.
  const consistency: ConsistencyCheck[] = [];
  for (const { against, what, checkpoint: old } of earlier) {
    const oldRoot = old.size === checkpoint.size ? root : tree.rootHash(old.size);
    if (!bytesEqual(oldRoot, old.rootHash)) throw inconsistent(what, old, checkpoint, oldRoot);
    consistency.push({ against, size: old.size, rootHash: encodeBase64(old.rootHash) });
  }
  // Checked last, so that a fork shows as one even in a checkpoint the witnesses refused.
  const witnesses = await checkWitnesses(note, witnessKeys);
  const quorumShortfall = shortfall(witnesses, quorum, checkpoint.size);
  if (quorumShortfall !== undefined && options.requireQuorum !== false) {
    throw new VerifyError('VERIFY_WITNESS_QUORUM', quorumShortfall);
  }

  await tree.saveUpperTiles();
  const noteText = Buffer.from(note).toString('utf8');
  const saved = await cache.write('checkpoint', noteText);

  return {
    url: baseUrl,
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: encodeBase64(checkpoint.rootHash),
    checkpoint: noteText,
    entriesChecked: tree.entriesChecked,
    tilesChecked: tree.tilesChecked,
    downloaded: { files: client.requests, bytes: client.bytes },
    cached: { files: tree.cachedFiles, bytes: tree.cachedBytes },
    consistency,
    witnesses,
    witnessQuorum: quorum,
    quorumShortfall,
    cacheDir: cache.dir,
    savedCheckpoint: saved ? cache.checkpointPath : undefined,
    warnings: cache.writeProblem === undefined ? [] : [cache.writeProblem],
    elapsedMs: performance.now() - started,
  };
}

/**
 * Fetches and hashes every tile of a tree of `size`. Hash tiles of level 1 and up (1/256 of the
 * data) stay in memory; level-0 tiles and entry bundles are checked one pair at a time and
 * dropped, except the few level-0 tiles that the root hashes of `size` and `rootSizes` need.
 */
class TreeVerifier {
  readonly #size: number;
  readonly #from: number;
  readonly #deliverFrom: number;
  readonly #onEntries: VerifyOptions['onEntries'];
  /** The next bundle whose entries go to `onEntries`; later ones wait their turn. */
  #turn: number;
  readonly #waiting = new Map<number, () => void>();
  readonly #client: LogClient;
  readonly #cache: TileCache;
  readonly #concurrency: number;
  readonly #threads: number;
  readonly #progress: ((done: number, total: number) => void) | undefined;
  readonly #upper = new Map<string, Fetched>();
  readonly #kept = new Map<number, Uint8Array>();
  readonly #keep = new Set<number>();
  tilesChecked = 0;
  entriesChecked = 0;
  cachedFiles = 0;
  cachedBytes = 0;

  constructor(options: {
    size: number;
    /** Bundles holding entries from this index on are checked; see VerifyOptions.verifiedBefore. */
    from: number;
    /** Entries from this index on are handed to `onEntries`. */
    deliverFrom: number;
    onEntries: VerifyOptions['onEntries'];
    client: LogClient;
    cache: TileCache;
    concurrency: number;
    threads: number;
    progress: ((done: number, total: number) => void) | undefined;
    rootSizes: number[];
  }) {
    this.#size = options.size;
    this.#from = options.from;
    this.#deliverFrom = options.deliverFrom;
    this.#onEntries = options.onEntries;
    this.#turn = Math.floor(options.from / TILE_WIDTH);
    this.#client = options.client;
    this.#cache = options.cache;
    this.#concurrency = options.concurrency;
    this.#threads = options.threads;
    this.#progress = options.progress;
    for (const size of [this.#size, ...options.rootSizes]) {
      for (const node of subtreeNodes(0, size)) {
        if (node.level < TILE_HEIGHT) this.#keep.add(tileForNode(node, this.#size).index);
      }
    }
  }

  /**
   * Level-0 hashes must be the leaf hashes of the entries; every hash at level L ≥ 1 must be the
   * root of the full tile below it (C2SP tlog-tiles, "Merkle Tree"). Together that ties every
   * hash in every tile to the entries.
   */
  async verifyTiles(): Promise<void> {
    const upper: Tile[] = [];
    await runPool(upperTiles(this.#size), this.#concurrency, async (tile) => {
      const fetched = await this.#get(tilePath(tile), tile.width === TILE_WIDTH, tileName(tile));
      requireTileLength(fetched, tile.width, this.#cache);
      this.#upper.set(tileKey(tile.level, tile.index), fetched);
      upper.push(tile);
    });
    for (const tile of upper) {
      if (tile.level >= 2) this.#verifyUpperTile(tile);
    }
    // Level-1 hashes are checked below, each against the root of its level-0 tile.
    this.tilesChecked += upper.length;

    const bundleCount = Math.ceil(this.#size / TILE_WIDTH) - Math.floor(this.#from / TILE_WIDTH);
    const checker = new BundleChecker(bundleCount >= MIN_BUNDLES_FOR_THREADS ? this.#threads : 0);
    try {
      await this.#verifyBundles(entryBundles(this.#size, this.#from), checker);
    } finally {
      await checker.close();
    }
  }

  async #verifyBundles(bundles: Iterable<EntryBundle>, checker: BundleChecker): Promise<void> {
    const first = Math.floor(this.#from / TILE_WIDTH) * TILE_WIDTH;
    let done = first;
    this.#progress?.(done, this.#size);
    await runPool(bundles, this.#concurrency, async (bundle) => {
      const full = bundle.width === TILE_WIDTH;
      const tile = { level: 0, index: bundle.index, width: bundle.width };
      const [entries, hashes] = await Promise.all([
        this.#get(entriesPath(bundle.index, bundle.width), full, bundleName(bundle)),
        this.#get(tilePath(tile), full, tileName(tile)),
      ]);
      await this.#verifyBundle(checker, bundle, entries, hashes);
      if (this.#onEntries !== undefined) await this.#deliver(bundle, entries.bytes);
      if (this.#keep.has(bundle.index)) this.#kept.set(bundle.index, hashes.bytes);
      if (full) {
        if (!entries.cached)
          await this.#cache.write(entriesPath(bundle.index, bundle.width), entries.bytes);
        if (!hashes.cached) await this.#cache.write(tilePath(tile), hashes.bytes);
      }
      done += bundle.width;
      this.entriesChecked += bundle.width;
      this.#progress?.(done, this.#size);
    });
  }

  /**
   * Hands a checked bundle's entries to `onEntries` once every bundle before it has been; a
   * bundle that is done early waits, which also bounds how many wait to the requests in flight.
   */
  async #deliver(bundle: EntryBundle, bytes: Uint8Array): Promise<void> {
    if (bundle.index !== this.#turn) {
      await new Promise<void>((resolve) => this.#waiting.set(bundle.index, resolve));
    }
    try {
      const first = bundle.index * TILE_WIDTH;
      const entries = decodeEntryBundle(bytes, bundle.width)
        .map((entry, i) => ({ index: first + i, bytes: entry }))
        .filter((entry) => entry.index >= this.#deliverFrom);
      if (entries.length > 0) await this.#onEntries?.(entries);
    } finally {
      this.#turn = bundle.index + 1;
      const next = this.#waiting.get(this.#turn);
      this.#waiting.delete(this.#turn);
      next?.();
    }
  }

  /** The root hash of the first `size` entries, from the verified tiles (RFC 6962 §2.1). */
  rootHash(size: number): Uint8Array {
    const readTile = (tile: Tile): Uint8Array => {
      const bytes =
        tile.level === 0
          ? this.#kept.get(tile.index)
          : this.#upper.get(tileKey(tile.level, tile.index))?.bytes;
      if (bytes === undefined)
        throw new Error(`internal error: tile ${tile.level}/${tile.index} was not kept`);
      return bytes;
    };
    return rootFromNodes(size, (node: NodeId) => nodeFromTiles(node, this.#size, readTile));
  }

  /** Caches the full hash tiles of level 1 and up, once the root hash has confirmed them. */
  async saveUpperTiles(): Promise<void> {
    for (const [key, fetched] of this.#upper) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      if (!fetched.cached && fetched.bytes.length === TILE_WIDTH * HASH_SIZE) {
        await this.#cache.write(tilePath({ level, index, width: TILE_WIDTH }), fetched.bytes);
      }
    }
  }

  async #get(path: string, immutable: boolean, name: string): Promise<Fetched> {
    if (immutable) {
      const bytes = await this.#cache.read(path);
      if (bytes !== undefined) {
        this.cachedFiles++;
        this.cachedBytes += bytes.length;
        return { bytes, cached: true, name };
      }
    }
    return { bytes: await this.#client.get(path, name), cached: false, name };
  }

  #verifyUpperTile(tile: Tile): void {
    const parent = this.#upper.get(tileKey(tile.level, tile.index))!;
    for (let i = 0; i < tile.width; i++) {
      const child = this.#upper.get(tileKey(tile.level - 1, tile.index * TILE_WIDTH + i))!;
      if (!hashAt(parent.bytes, i, fullTileRoot(child.bytes))) {
        throw mismatch(
          `${parent.name}: hash ${i} is not the root of ${child.name}`,
          [parent, child],
          this.#cache,
        );
      }
    }
  }

  async #verifyBundle(
    checker: BundleChecker,
    bundle: EntryBundle,
    entries: Fetched,
    hashes: Fetched,
  ): Promise<void> {
    const full = bundle.width === TILE_WIDTH;
    const parent = full
      ? this.#upper.get(tileKey(1, Math.floor(bundle.index / TILE_WIDTH)))!
      : undefined;
    const position = (bundle.index % TILE_WIDTH) * HASH_SIZE;
    const problem = await checker.check({
      index: bundle.index,
      width: bundle.width,
      entries: entries.bytes,
      tile: hashes.bytes,
      parentHash: parent?.bytes.subarray(position, position + HASH_SIZE),
      names: { entries: entries.name, tile: hashes.name, parent: parent?.name ?? '' },
    });
    if (problem !== undefined) {
      const sources = { entries, tile: hashes, parent };
      const involved = problem.involves.flatMap((source) => sources[source] ?? []);
      throw new VerifyError(problem.code, `${problem.message}${cacheHint(involved, this.#cache)}`);
    }
    this.tilesChecked += 2;
  }
}

async function openCheckpoint(
  note: string | Uint8Array,
  verifier: VerifierKey,
  what: string,
): Promise<Checkpoint> {
  const key = `${verifier.name}+${Buffer.from(verifier.keyId).toString('hex')}`;
  let text: string;
  try {
    ({ text } = await openNote(note, [verifier]));
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    const problem =
      error.code === 'TLOG_BAD_SIGNATURE'
        ? `${what} signature invalid: ${error.message} (${key})`
        : `${what} is not a signed note: ${error.message}`;
    throw new VerifyError('VERIFY_BAD_CHECKPOINT', problem, { cause: error });
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw new VerifyError('VERIFY_BAD_CHECKPOINT', `${what} is malformed: ${error.message}`, {
      cause: error,
    });
  }
  // C2SP tlog-checkpoint: the origin "SHOULD" be the key name; for Allmende it is, so a
  // checkpoint of another log signed with a key of the same name does not pass.
  if (checkpoint.origin !== verifier.name) {
    throw new VerifyError(
      'VERIFY_BAD_CHECKPOINT',
      `${what}: origin "${checkpoint.origin}" is not the key name "${verifier.name}"`,
    );
  }
  return checkpoint;
}

function inconsistent(
  what: string,
  old: Checkpoint,
  checkpoint: Checkpoint,
  oldRoot: Uint8Array,
): VerifyError {
  const found =
    old.size === checkpoint.size
      ? `it has the root hash ${encodeBase64(checkpoint.rootHash)}, not ${encodeBase64(old.rootHash)}`
      : `the first ${old.size} entries of the log hash to ${encodeBase64(oldRoot)}, not ${encodeBase64(old.rootHash)}`;
  return new VerifyError(
    'VERIFY_INCONSISTENT',
    `${what} (size ${old.size}) is not consistent with this one (size ${checkpoint.size}): ${found}; the log forked or was rewritten`,
  );
}

function parseKey(verifierKey: string): VerifierKey {
  let verifier: VerifierKey;
  try {
    verifier = parseVerifierKey(verifierKey.trim());
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw new VerifyError('VERIFY_BAD_INPUT', `invalid verifier key: ${error.message}`, {
      cause: error,
    });
  }
  if (verifier.algorithm !== ALG_ED25519) {
    throw new VerifyError(
      'VERIFY_BAD_INPUT',
      'invalid verifier key: a log signs checkpoints with an Ed25519 key (type 0x01), this is a cosigner key',
    );
  }
  return verifier;
}

function parseWitnessKeys(texts: readonly string[]): VerifierKey[] {
  const keys = texts.map((text) => {
    let key: VerifierKey;
    try {
      key = parseVerifierKey(text.trim());
    } catch (error) {
      if (!(error instanceof TlogError)) throw error;
      throw new VerifyError('VERIFY_BAD_INPUT', `invalid witness key "${text}": ${error.message}`, {
        cause: error,
      });
    }
    if (key.algorithm !== ALG_COSIGNATURE_V1) {
      throw new VerifyError(
        'VERIFY_BAD_INPUT',
        `invalid witness key "${text}": a witness cosigns with an Ed25519 cosigner key (type 4), this is a note key`,
      );
    }
    return key;
  });
  const labels = new Set(keys.map((k) => `${k.name}+${Buffer.from(k.keyId).toString('hex')}`));
  if (labels.size !== keys.length) {
    throw new VerifyError('VERIFY_BAD_INPUT', 'a witness key is given twice');
  }
  return keys;
}

/** C2SP tlog-cosignature: which of the witnesses cosigned; signatures by other keys are ignored. */
async function checkWitnesses(
  note: Uint8Array,
  keys: readonly VerifierKey[],
): Promise<WitnessCheck[]> {
  if (keys.length === 0) return [];
  return (await checkCosignatures(note, keys)).map((check): WitnessCheck => {
    const key = `${check.cosigner.name}+${Buffer.from(check.cosigner.keyId).toString('hex')}`;
    return check.status === 'valid'
      ? { name: check.cosigner.name, key, status: 'valid', timestamp: check.timestamp }
      : { name: check.cosigner.name, key, status: check.status };
  });
}

/** Why the checkpoint lacks valid cosignatures of `quorum` witnesses, or undefined. */
function shortfall(checks: WitnessCheck[], quorum: number, size: number): string | undefined {
  const valid = checks.filter((check) => check.status === 'valid').length;
  if (valid < quorum) {
    const missing = checks
      .filter((check) => check.status !== 'valid')
      .map((check) =>
        check.status === 'missing'
          ? `${check.key} has not cosigned it`
          : `${check.key}'s cosignature is invalid`,
      );
    return `checkpoint: cosigned by ${valid} of the ${quorum} witnesses required (size ${size}): ${missing.join('; ')}`;
  }
  return undefined;
}

function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VerifyError('VERIFY_BAD_INPUT', `invalid URL "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VerifyError('VERIFY_BAD_INPUT', `invalid URL "${text}": use http:// or https://`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new VerifyError('VERIFY_BAD_INPUT', `invalid URL "${text}": the log URL takes no query`);
  }
  return url.href.replace(/\/+$/, '');
}

function requireTileLength(tile: Fetched, width: number, cache: TileCache): void {
  if (tile.bytes.length !== width * HASH_SIZE) {
    throw mismatch(
      `${tile.name}: ${tile.bytes.length} bytes, expected ${width} hashes of ${HASH_SIZE} bytes`,
      [tile],
      cache,
    );
  }
}

function mismatch(problem: string, sources: readonly Fetched[], cache: TileCache): VerifyError {
  return new VerifyError('VERIFY_MISMATCH', `${problem}${cacheHint(sources, cache)}`);
}

/**
 * A cached full tile was verified when it was downloaded and may not change (C2SP tlog-tiles),
 * so a mismatch on one means the log rewrote published history or the copy on disk is damaged.
 */
function cacheHint(sources: readonly Fetched[], cache: TileCache): string {
  const cached = sources.filter((source) => source.cached).map((source) => source.name);
  if (cached.length === 0) return '';
  return ` (${cached.join(' and ')} read from the cache ${cache.dir}: either the log changed what it had published, or the copy there is damaged; delete that folder to download it again)`;
}

function tileName(tile: Tile): string {
  return `tile ${tile.level}/${tile.index}${tile.width < TILE_WIDTH ? `.p/${tile.width}` : ''}`;
}

function bundleName(bundle: EntryBundle): string {
  return `entry bundle ${bundle.index}${bundle.width < TILE_WIDTH ? `.p/${bundle.width}` : ''}`;
}

function tileKey(level: number, index: number): string {
  return `${level}/${index}`;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * What `tilesForSize(size)` lists above level 0, and `entryBundlesForSize(size)`, one at a time:
 * the checkpoint may claim up to 2^53-1 entries, and then the first missing tile should end the
 * run with a clear message, not an array of 2^45 tiles the heap cannot hold.
 */
export function* upperTiles(size: number): Generator<Tile> {
  for (let level = 1; ; level++) {
    const hashes = Math.floor(size / TILE_WIDTH ** level);
    if (hashes === 0) return;
    for (let index = 0; index * TILE_WIDTH < hashes; index++) {
      yield { level, index, width: Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH) };
    }
  }
}

/** See {@link upperTiles}; from the bundle that holds entry `from`. */
export function* entryBundles(size: number, from = 0): Generator<EntryBundle> {
  for (let index = Math.floor(from / TILE_WIDTH); index * TILE_WIDTH < size; index++) {
    yield { index, width: Math.min(TILE_WIDTH, size - index * TILE_WIDTH) };
  }
}

/** Runs `work` on every item, at most `concurrency` at a time; stops at the first failure. */
async function runPool<T>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !failed && next.done !== true; next = iterator.next()) {
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
