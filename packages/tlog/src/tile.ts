import { isArray, isBytes } from './bytes.ts';
import { TlogError } from './errors.ts';
import { HASH_SIZE, treeHash, type NodeId } from './merkle.ts';
import { isIndex, requireIndex } from './numbers.ts';

// C2SP tlog-tiles: the tree served as tiles of height 8 (256 hashes wide), and the entries as
// bundles of up to 256.

/** Tree levels covered by one tile (C2SP tlog-tiles, "Merkle Tree"). */
export const TILE_HEIGHT = 8;

/** Hashes in a full tile, and entries in a full entry bundle. */
export const TILE_WIDTH = 256;

/** Tile levels are 0 to 63 (C2SP tlog-tiles, "Merkle Tree"). */
const MAX_TILE_LEVEL = 63;

/** Longest tile path this parser looks at; real ones stay well below. */
const MAX_TILE_PATH_LENGTH = 64;

/**
 * A hash tile: the hashes of the tree nodes at level `level`·8 with indexes `index`·256 up to
 * `index`·256 + `width` - 1. `width` is 256 for a full tile and 1 to 255 for a partial one.
 */
export type Tile = { level: number; index: number; width: number };

/** An entry bundle: entries `index`·256 up to `index`·256 + `width` - 1. */
export type EntryBundle = { index: number; width: number };

/** What a tile path names; see {@link parseTilePath}. */
export type TilePath = { kind: 'hash'; tile: Tile } | ({ kind: 'entries' } & EntryBundle);

/**
 * The path of a hash tile below the log prefix, `tile/<L>/<N>[.p/<W>]` (C2SP tlog-tiles,
 * "Merkle Tree").
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if the tile is malformed or could only exist in a tree
 *   of more than 2^53-1 leaves.
 */
export function tilePath(tile: Tile): string {
  requireTile(tile);
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${partialSuffix(tile.width)}`;
}

/**
 * The path of an entry bundle below the log prefix, `tile/entries/<N>[.p/<W>]` (C2SP
 * tlog-tiles, "Log entries").
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if the bundle is malformed or could only exist in a
 *   tree of more than 2^53-1 leaves.
 */
export function entriesPath(index: number, width: number): string {
  requireIndex(index, 'bundle index');
  if (!isWidth(width) || !tileFits(0, index, width)) {
    throw new TlogError(
      'TLOG_BAD_ARGUMENT',
      'not an entry bundle of a tree of up to 2^53-1 leaves',
    );
  }
  return `tile/entries/${formatTileIndex(index)}${partialSuffix(width)}`;
}

// C2SP tlog-tiles: "<N> ... MUST be a non-negative integer encoded into zero-padded 3-digit path
// elements. All but the last path element MUST begin with an x."
function formatTileIndex(index: number): string {
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < padded.length; i += 3) {
    groups.push(padded.slice(i, i + 3));
  }
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

function partialSuffix(width: number): string {
  return width < TILE_WIDTH ? `.p/${width}` : '';
}

/**
 * Parses a tile path below the log prefix: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`
 * (C2SP tlog-tiles). The path comes from a request URL, so it is parsed strictly: only the
 * canonical spelling of each tile is accepted (no leading zeros, no superfluous `x000/` group),
 * so that one tile has one path.
 *
 * @throws {TlogError} TLOG_BAD_TILE if the path is malformed, names a level above 63 or a width
 *   outside 1 to 255 after `.p/`, or names a tile of a tree of more than 2^53-1 leaves.
 */
export function parseTilePath(path: string): TilePath {
  if (typeof path !== 'string' || path.length > MAX_TILE_PATH_LENGTH) {
    throw badTilePath();
  }
  const segments = path.split('/');
  if (segments.length < 3 || segments[0] !== 'tile') {
    throw badTilePath();
  }
  const levelText = segments[1]!;
  let rest = segments.slice(2);
  let width = TILE_WIDTH;
  const last = rest.length - 1;
  if (rest.length >= 2 && rest[last - 1]!.endsWith('.p')) {
    const widthText = rest[last]!;
    if (!/^[1-9][0-9]{0,2}$/.test(widthText) || Number(widthText) >= TILE_WIDTH) {
      throw badTilePath();
    }
    width = Number(widthText);
    rest = [...rest.slice(0, last - 1), rest[last - 1]!.slice(0, -'.p'.length)];
  }
  const index = parseTileIndex(rest);

  if (levelText === 'entries') {
    if (!tileFits(0, index, width)) throw badTilePath();
    return { kind: 'entries', index, width };
  }
  if (!/^(0|[1-9][0-9]?)$/.test(levelText) || Number(levelText) > MAX_TILE_LEVEL) {
    throw badTilePath();
  }
  const level = Number(levelText);
  if (!tileFits(level, index, width)) throw badTilePath();
  return { kind: 'hash', tile: { level, index, width } };
}

function parseTileIndex(groups: readonly string[]): number {
  // 2^53 has 16 digits: six groups are more than enough.
  if (groups.length === 0 || groups.length > 6) {
    throw badTilePath();
  }
  let digits = '';
  groups.forEach((group, i) => {
    const isLast = i === groups.length - 1;
    if (!(isLast ? /^[0-9]{3}$/ : /^x[0-9]{3}$/).test(group)) {
      throw badTilePath();
    }
    digits += isLast ? group : group.slice(1);
  });
  if (groups.length > 1 && digits.startsWith('000')) {
    throw badTilePath();
  }
  const index = Number(digits);
  if (!isIndex(index)) {
    throw badTilePath();
  }
  return index;
}

function badTilePath(): TlogError {
  return new TlogError('TLOG_BAD_TILE', 'not a tile path of a tree of up to 2^53-1 leaves');
}

/**
 * The hash tiles of a tree of `size`, at every level: the full tiles, and the partial tile of
 * width floor(size / 256^L) mod 256 at each level L where that is not 0 (C2SP tlog-tiles,
 * "Partial Tiles"). Ordered by level, then index.
 *
 * With `oldSize`, only the tiles that a tree of `oldSize` lacks: new tiles, and tiles grown
 * wider, which is what a log writes, and a mirror fetches, when the tree grows. The result has
 * about (size - oldSize) / 255 tiles, so bound `size - oldSize` when the sizes come from outside.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ oldSize ≤ size ≤ 2^53-1 are integers.
 */
export function tilesForSize(size: number, oldSize = 0): Tile[] {
  requireIndex(size, 'tree size');
  requireIndex(oldSize, 'old tree size');
  if (oldSize > size) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'old tree size must not exceed the tree size');
  }
  const tiles: Tile[] = [];
  for (let level = 0; hashesAtTileLevel(size, level) > 0; level++) {
    const row = tilesOfRow(hashesAtTileLevel(size, level), hashesAtTileLevel(oldSize, level));
    for (const { index, width } of row) {
      tiles.push({ level, index, width });
    }
  }
  return tiles;
}

/**
 * The entry bundles of a tree of `size`: the full bundles and, if size mod 256 is not 0, the
 * partial bundle of that width (C2SP tlog-tiles, "Log entries"). With `oldSize`, only the
 * bundles that a tree of `oldSize` lacks, new or grown.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ oldSize ≤ size ≤ 2^53-1 are integers.
 */
export function entryBundlesForSize(size: number, oldSize = 0): EntryBundle[] {
  requireIndex(size, 'tree size');
  requireIndex(oldSize, 'old tree size');
  if (oldSize > size) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'old tree size must not exceed the tree size');
  }
  return tilesOfRow(size, oldSize);
}

/** The tiles of a row of `count` hashes that a row of `oldCount` hashes lacks or has narrower. */
function tilesOfRow(count: number, oldCount: number): EntryBundle[] {
  const rows: EntryBundle[] = [];
  for (let index = Math.floor(oldCount / TILE_WIDTH); index * TILE_WIDTH < count; index++) {
    const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
    const oldWidth = Math.min(TILE_WIDTH, Math.max(0, oldCount - index * TILE_WIDTH));
    if (width > oldWidth) {
      rows.push({ index, width });
    }
  }
  return rows;
}

/** The number of complete nodes at tree level 8·level in a tree of `size`. */
function hashesAtTileLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/**
 * The tile that holds node `node`, or from which it is computed, at the width that tile has in
 * a tree of `size`. Nodes at level 8·L are hashes of the level-L tile; nodes at levels in
 * between are computed from 2^(level - 8·L) consecutive hashes of the level-L tile.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if the node is malformed or not a complete subtree of the
 *   tree of `size`.
 */
export function tileForNode(node: NodeId, size: number): Tile {
  return locateNode(node, size).tile;
}

/**
 * The hash of node `node` of the tree of `size`, read from the tile that {@link tileForNode}
 * names: taken from it for nodes at level 8·L, computed from it for levels in between.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if the node is malformed or not a complete subtree of the
 *   tree of `size`; TLOG_BAD_TILE if `readTile` returns anything but that tile's
 *   width × 32 bytes; anything `readTile` throws.
 */
export function nodeFromTiles(
  node: NodeId,
  size: number,
  readTile: (tile: Tile) => Uint8Array,
): Uint8Array {
  const { tile, offset, count } = locateNode(node, size);
  const data = readTile(tile);
  if (!isBytes(data) || data.length !== tile.width * HASH_SIZE) {
    throw new TlogError(
      'TLOG_BAD_TILE',
      `tile ${tilePath(tile)} must be ${tile.width * HASH_SIZE} bytes long`,
    );
  }
  const hashes: Uint8Array[] = [];
  for (let i = offset; i < offset + count; i++) {
    hashes.push(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  }
  return treeHash(hashes);
}

function locateNode(node: NodeId, size: number): { tile: Tile; offset: number; count: number } {
  if (typeof node !== 'object' || node === null) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'node must be an object with level and index');
  }
  const { level, index } = node;
  requireIndex(level, 'node level');
  requireIndex(index, 'node index');
  requireIndex(size, 'tree size');
  if ((index + 1) * 2 ** level > size) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'node is not a complete subtree of the tree');
  }
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level - tileLevel * TILE_HEIGHT);
  const first = index * count;
  const tileIndex = Math.floor(first / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, hashesAtTileLevel(size, tileLevel) - tileIndex * TILE_WIDTH);
  return {
    tile: { level: tileLevel, index: tileIndex, width },
    offset: first - tileIndex * TILE_WIDTH,
    count,
  };
}

/**
 * The number of hashes in tile data.
 *
 * @throws {TlogError} TLOG_BAD_TILE unless `bytes` holds 1 to 256 whole 32-byte hashes.
 */
export function tileHashCount(bytes: Uint8Array): number {
  if (
    !isBytes(bytes) ||
    bytes.length === 0 ||
    bytes.length % HASH_SIZE !== 0 ||
    bytes.length > TILE_WIDTH * HASH_SIZE
  ) {
    throw new TlogError('TLOG_BAD_TILE', 'tile data must be 1 to 256 hashes of 32 bytes');
  }
  return bytes.length / HASH_SIZE;
}

/**
 * Encodes an entry bundle: each entry prefixed by its length as a big-endian uint16 (C2SP
 * tlog-tiles, "Log entries").
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless there are 1 to 256 entries, each a Uint8Array of
 *   at most 65535 bytes.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (!isArray(entries) || entries.length === 0 || entries.length > TILE_WIDTH) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'an entry bundle holds 1 to 256 entries');
  }
  let length = 0;
  for (const entry of entries) {
    if (!isBytes(entry) || entry.length > 0xffff) {
      throw new TlogError('TLOG_BAD_ARGUMENT', 'entries must be Uint8Arrays of up to 65535 bytes');
    }
    length += 2 + entry.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const entry of entries) {
    out[offset] = entry.length >>> 8;
    out[offset + 1] = entry.length & 0xff;
    out.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return out;
}

/**
 * Decodes an entry bundle (C2SP tlog-tiles, "Log entries").
 *
 * @param width - if given, the number of entries the bundle must hold.
 * @throws {TlogError} TLOG_BAD_BUNDLE if the bundle is truncated, has trailing bytes, holds no
 *   entry or more than 256, or not `width` entries; TLOG_BAD_ARGUMENT if `width` is given and is
 *   not an integer from 1 to 256.
 */
export function decodeEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!isBytes(bytes)) {
    throw new TlogError('TLOG_BAD_BUNDLE', 'entry bundle must be a Uint8Array');
  }
  if (width !== undefined && !isWidth(width)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'bundle width must be an integer from 1 to 256');
  }
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (entries.length === TILE_WIDTH) {
      throw new TlogError('TLOG_BAD_BUNDLE', 'entry bundle holds more than 256 entries');
    }
    if (offset + 2 > bytes.length) {
      throw new TlogError('TLOG_BAD_BUNDLE', 'entry bundle ends inside a length prefix');
    }
    const length = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const end = offset + 2 + length;
    if (end > bytes.length) {
      throw new TlogError('TLOG_BAD_BUNDLE', 'entry bundle ends inside an entry');
    }
    entries.push(bytes.slice(offset + 2, end));
    offset = end;
  }
  if (entries.length === 0) {
    throw new TlogError('TLOG_BAD_BUNDLE', 'entry bundle is empty');
  }
  if (width !== undefined && entries.length !== width) {
    throw new TlogError(
      'TLOG_BAD_BUNDLE',
      `entry bundle holds ${entries.length} entries, expected ${width}`,
    );
  }
  return entries;
}

function isWidth(width: unknown): width is number {
  return Number.isInteger(width) && (width as number) >= 1 && (width as number) <= TILE_WIDTH;
}

function requireTile(tile: Tile): void {
  if (
    typeof tile !== 'object' ||
    tile === null ||
    !Number.isInteger(tile.level) ||
    tile.level < 0 ||
    tile.level > MAX_TILE_LEVEL ||
    !isIndex(tile.index) ||
    !isWidth(tile.width) ||
    !tileFits(tile.level, tile.index, tile.width)
  ) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'not a tile of a tree of up to 2^53-1 leaves');
  }
}

/**
 * Whether the tile exists in some tree of at most 2^53-1 leaves: its last hash covers leaves up
 * to (index·256 + width)·256^level. Doubles multiply exactly by powers of two, and a true value
 * above 2^53-1 never rounds down to it.
 */
function tileFits(level: number, index: number, width: number): boolean {
  return (index * TILE_WIDTH + width) * TILE_WIDTH ** level <= Number.MAX_SAFE_INTEGER;
}
