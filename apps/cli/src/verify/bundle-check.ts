import { HASH_SIZE, TILE_WIDTH, TlogError, decodeEntryBundle } from '@allmende/tlog';
import { checkStatement } from './statement-check.ts';
import { fastLeafHash, fullTileRoot, hashAt } from './tile-hash.ts';

/** One level-0 tile with its entry bundle: the unit of work of `log verify`. */
export type BundleJob = {
  index: number;
  width: number;
  entries: Uint8Array;
  tile: Uint8Array;
  /** For a full tile, the hash the level-1 tile holds for it. */
  parentHash: Uint8Array | undefined;
  names: { entries: string; tile: string; parent: string };
};

export type BundleProblem = {
  code: 'VERIFY_MISMATCH' | 'VERIFY_BAD_ENTRY';
  message: string;
  /** The inputs the problem is in, so the caller can say which of them came from its cache. */
  involves: ('entries' | 'tile' | 'parent')[];
};

/**
 * Checks an entry bundle and its level-0 tile, all of it attacker-controlled: the bundle holds
 * `width` entries (C2SP tlog-tiles, "Log entries"), hash i of the tile is the RFC 6962 leaf
 * hash of entry i, each entry is a valid statement, and a full tile hashes to `parentHash`.
 * Pure, so that it can run in a worker thread.
 */
export function checkBundle(job: BundleJob): BundleProblem | undefined {
  const { index, width, tile, names } = job;
  if (tile.length !== width * HASH_SIZE) {
    return {
      code: 'VERIFY_MISMATCH',
      message: `${names.tile}: ${tile.length} bytes, expected ${width} hashes of ${HASH_SIZE} bytes`,
      involves: ['tile'],
    };
  }
  let entries: Uint8Array[];
  try {
    entries = decodeEntryBundle(job.entries, width);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    return {
      code: 'VERIFY_MISMATCH',
      message: `${names.entries}: ${error.message}`,
      involves: ['entries'],
    };
  }
  const first = index * TILE_WIDTH;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (!hashAt(tile, i, fastLeafHash(entry))) {
      return {
        code: 'VERIFY_MISMATCH',
        message: `entry ${first + i}: leaf hash does not match ${names.tile} hash ${i}`,
        involves: ['entries', 'tile'],
      };
    }
    const problem = checkStatement(entry);
    if (problem !== undefined) {
      return {
        code: 'VERIFY_BAD_ENTRY',
        message: `entry ${first + i}: not a valid statement (${problem.reason}): ${problem.message.replaceAll('\n', ' ')}`,
        involves: ['entries'],
      };
    }
  }
  if (job.parentHash !== undefined && !hashAt(job.parentHash, 0, fullTileRoot(tile))) {
    return {
      code: 'VERIFY_MISMATCH',
      message: `${names.parent}: hash ${index % TILE_WIDTH} is not the root of ${names.tile}`,
      involves: ['parent', 'tile'],
    };
  }
  return undefined;
}
