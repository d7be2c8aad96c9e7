import { hash } from 'node:crypto';
import { HASH_SIZE, TILE_WIDTH } from '@allmende/tlog';

// RFC 6962 §2.1 hashing on the hot path of `log verify`: a million entries mean a million leaf
// hashes and as many node hashes, so these reuse scratch buffers and call node:crypto's one-shot
// `hash` directly instead of going through @allmende/tlog, whose functions copy and validate
// their arguments on every call. They agree with `leafHash` and `treeHash` (see the tests).

const leafInput = new Uint8Array(1 + 0xffff);
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;
const tileWork = new Uint8Array(TILE_WIDTH * HASH_SIZE);

/** SHA-256(0x00 ‖ entry), for entries of up to 65535 bytes (all an entry bundle can hold). */
export function fastLeafHash(entry: Uint8Array): Buffer {
  leafInput.set(entry, 1);
  return hash('sha256', leafInput.subarray(0, entry.length + 1), 'buffer');
}

/**
 * The Merkle Tree Hash of the 256 hashes of a full tile: the node 8 levels above them. 256 is a
 * power of two, so pairing neighbours level by level is exactly RFC 6962's split.
 */
export function fullTileRoot(tile: Uint8Array): Buffer {
  tileWork.set(tile);
  for (let n = TILE_WIDTH; n > 1; n >>>= 1) {
    for (let i = 0; i < n; i += 2) {
      nodeInput.set(tileWork.subarray(i * HASH_SIZE, (i + 2) * HASH_SIZE), 1);
      tileWork.set(hash('sha256', nodeInput, 'buffer'), (i >>> 1) * HASH_SIZE);
    }
  }
  return Buffer.from(tileWork.subarray(0, HASH_SIZE));
}

/** Whether `digest` equals the `index`-th hash of `tile`. */
export function hashAt(tile: Uint8Array, index: number, digest: Buffer): boolean {
  return digest.compare(tile, index * HASH_SIZE, (index + 1) * HASH_SIZE) === 0;
}
