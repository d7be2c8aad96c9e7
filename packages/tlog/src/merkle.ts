import { sha256 } from '#sha256';
import { bytesEqual, isArray, isBytes, isHash } from './bytes.ts';
import { TlogError } from './errors.ts';
import {
  bitLength,
  floorPow2,
  half,
  isOdd,
  lowestBit,
  requireIndex,
  splitPoint,
} from './numbers.ts';

// RFC 6962 §2.1 Merkle Tree Hash, audit paths and consistency proofs over SHA-256, with the proof
// verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.

/** The size of every hash in this package, in bytes. */
export const HASH_SIZE = 32;

/**
 * A node of the tree: the root of the complete subtree of 2^level leaves that starts at leaf
 * index·2^level. Leaves are level 0.
 */
export type NodeId = { level: number; index: number };

/** Reads the stored hash of a node; see {@link proveInclusion}. */
export type NodeReader = (node: NodeId) => Uint8Array;

/**
 * The leaf hash of an entry, SHA-256(0x00 ‖ entry) (RFC 6962 §2.1).
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if `entry` is not a Uint8Array.
 */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (!isBytes(entry)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'entry must be a Uint8Array');
  }
  const input = new Uint8Array(entry.length + 1);
  input.set(entry, 1);
  return sha256(input);
}

/**
 * The hash of an interior node, SHA-256(0x01 ‖ left ‖ right) (RFC 6962 §2.1).
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if either child is not a 32-byte hash.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireHash(left, 'left child hash');
  requireHash(right, 'right child hash');
  return hashChildren(left, right);
}

function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_SIZE);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return sha256(input);
}

/** The hash of the empty tree, SHA-256 of no bytes (RFC 6962 §2.1). */
export function emptyTreeHash(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/**
 * The Merkle Tree Hash of a list of leaf hashes (RFC 6962 §2.1).
 *
 * Pairs neighbours level by level and carries a lone last node up unchanged, which yields the
 * same tree as RFC 6962's split at the largest power of two, with n - 1 hashes for n leaves.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if an element is not a 32-byte hash.
 */
export function treeHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (!isArray(leafHashes)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'leaf hashes must be an array');
  }
  leafHashes.forEach((hash, i) => requireHash(hash, `leaf hash ${i}`));
  if (leafHashes.length === 0) {
    return emptyTreeHash();
  }
  const level = leafHashes.slice();
  let n = level.length;
  while (n > 1) {
    let w = 0;
    for (let i = 0; i + 1 < n; i += 2) {
      level[w++] = hashChildren(level[i]!, level[i + 1]!);
    }
    if (isOdd(n)) {
      level[w++] = level[n - 1]!;
    }
    n = w;
  }
  return level[0]!.slice();
}

/**
 * The decomposition of the leaf range [start, end) into maximal complete subtrees, left to
 * right. When the range is a subtree of an RFC 6962 tree (for example [0, size)), the right fold
 * of their hashes, nodeHash(s1, nodeHash(s2, … sk)), is the Merkle Tree Hash of the range.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ start ≤ end ≤ 2^53-1 are integers.
 */
export function subtreeNodes(start: number, end: number): NodeId[] {
  requireIndex(start, 'start');
  requireIndex(end, 'end');
  if (start > end) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'start must not exceed end');
  }
  return rangeNodes(start, end);
}

function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let lo = start;
  while (lo < end) {
    const width = lo === 0 ? floorPow2(end) : Math.min(floorPow2(end - lo), lowestBit(lo));
    nodes.push(nodeOf(lo, width));
    lo += width;
  }
  return nodes;
}

function nodeOf(start: number, width: number): NodeId {
  return { level: bitLength(width) - 1, index: start / width };
}

/**
 * The nodes behind an inclusion proof (RFC 6962 §2.1.1 audit path) of leaf `index` in a tree of
 * `size`: for each proof element, leaf to root, the complete subtrees whose right fold is it.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ index < size ≤ 2^53-1 are integers.
 */
export function inclusionProofNodes(index: number, size: number): NodeId[][] {
  requireIndex(index, 'leaf index');
  requireIndex(size, 'tree size');
  if (index >= size) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'leaf index must be below the tree size');
  }
  // RFC 6962 §2.1.1: PATH(m, D[n]) descends into the half that holds m and records the other
  // half. Descending root to leaf and reversing gives the path in leaf-to-root order.
  const path: NodeId[][] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push([nodeOf(lo, k)]);
      lo += k;
    }
  }
  return path.reverse();
}

/**
 * The nodes behind a consistency proof (RFC 6962 §2.1.2) from a tree of `oldSize` to one of
 * `newSize`: for each proof element, in proof order, the complete subtrees whose right fold is
 * it. Empty when oldSize is 0 or equals newSize.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ oldSize ≤ newSize ≤ 2^53-1 are integers.
 */
export function consistencyProofNodes(oldSize: number, newSize: number): NodeId[][] {
  requireIndex(oldSize, 'old tree size');
  requireIndex(newSize, 'new tree size');
  if (oldSize > newSize) {
    throw new TlogError('TLOG_BAD_ARGUMENT', 'old tree size must not exceed the new tree size');
  }
  if (oldSize === 0 || oldSize === newSize) {
    return [];
  }
  // RFC 6962 §2.1.2: SUBPROOF(m, D[n], b). `complete` is b: whether [lo, hi) is still the
  // prefix of the old tree, whose hash the verifier already has.
  const path: NodeId[][] = [];
  let lo = 0;
  let hi = newSize;
  let complete = true;
  while (oldSize !== hi) {
    const k = splitPoint(hi - lo);
    if (oldSize <= lo + k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push([nodeOf(lo, k)]);
      lo += k;
      complete = false;
    }
  }
  if (!complete) {
    path.push(rangeNodes(lo, hi));
  }
  return path.reverse();
}

/**
 * The inclusion proof (RFC 6962 §2.1.1 audit path) of leaf `index` in a tree of `size`, from the
 * stored node hashes.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ index < size ≤ 2^53-1 are integers, or if
 *   `readNode` returns something other than a 32-byte hash; anything `readNode` throws.
 */
export function proveInclusion(index: number, size: number, readNode: NodeReader): Uint8Array[] {
  return inclusionProofNodes(index, size).map((nodes) => foldNodes(nodes, readNode));
}

/**
 * The consistency proof (RFC 6962 §2.1.2) from a tree of `oldSize` to one of `newSize`, from the
 * stored node hashes.
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT unless 0 ≤ oldSize ≤ newSize ≤ 2^53-1 are integers, or
 *   if `readNode` returns something other than a 32-byte hash; anything `readNode` throws.
 */
export function proveConsistency(
  oldSize: number,
  newSize: number,
  readNode: NodeReader,
): Uint8Array[] {
  return consistencyProofNodes(oldSize, newSize).map((nodes) => foldNodes(nodes, readNode));
}

/**
 * The root hash of a tree of `size` from the stored hashes of its complete subtrees,
 * {@link subtreeNodes}(0, size).
 *
 * @throws {TlogError} TLOG_BAD_ARGUMENT if `size` is not an integer from 0 to 2^53-1, or if
 *   `readNode` returns something other than a 32-byte hash; anything `readNode` throws.
 */
export function rootFromNodes(size: number, readNode: NodeReader): Uint8Array {
  requireIndex(size, 'tree size');
  if (size === 0) {
    return emptyTreeHash();
  }
  return foldNodes(rangeNodes(0, size), readNode);
}

function foldNodes(nodes: readonly NodeId[], readNode: NodeReader): Uint8Array {
  const hashes = nodes.map((node) => {
    const hash = readNode(node);
    if (!isHash(hash)) {
      throw new TlogError(
        'TLOG_BAD_ARGUMENT',
        `readNode returned no 32-byte hash for node ${node.level}/${node.index}`,
      );
    }
    return hash;
  });
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) {
    hash = hashChildren(hashes[i]!, hash);
  }
  return hash;
}

/**
 * Verifies that `proof` shows the leaf with hash `leafHash` at `index` in the tree of `size`
 * with root hash `root`, by RFC 9162 §2.1.3.2.
 *
 * @throws {TlogError} TLOG_BAD_PROOF if the proof does not verify (including index ≥ size and
 *   proof elements that are not 32-byte hashes); TLOG_BAD_ARGUMENT if `leafHash` or `root` is
 *   not a 32-byte hash or `index` or `size` is not an integer from 0 to 2^53-1.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  requireHash(leafHash, 'leaf hash');
  requireIndex(index, 'leaf index');
  requireIndex(size, 'tree size');
  requireHash(root, 'root hash');
  requireProof(proof);
  if (index >= size) {
    throw new TlogError('TLOG_BAD_PROOF', 'leaf index is not below the tree size');
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) {
      throw new TlogError('TLOG_BAD_PROOF', 'inclusion proof is too long');
    }
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new TlogError('TLOG_BAD_PROOF', 'inclusion proof is too short');
  }
  if (!bytesEqual(r, root)) {
    throw new TlogError('TLOG_BAD_PROOF', 'inclusion proof does not lead to the root hash');
  }
}

/**
 * Verifies that `proof` shows the tree of `oldSize` with root `oldRoot` to be a prefix of the
 * tree of `newSize` with root `newRoot`, by RFC 9162 §2.1.4.2. Equal sizes need an empty proof
 * and equal roots; an old size of 0 is consistent with every tree, by an empty proof.
 *
 * @throws {TlogError} TLOG_BAD_PROOF if the proof does not verify (including oldSize > newSize
 *   and proof elements that are not 32-byte hashes); TLOG_BAD_ARGUMENT if a root is not a
 *   32-byte hash or a size is not an integer from 0 to 2^53-1.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): void {
  requireIndex(oldSize, 'old tree size');
  requireIndex(newSize, 'new tree size');
  requireHash(oldRoot, 'old root hash');
  requireHash(newRoot, 'new root hash');
  requireProof(proof);
  if (oldSize > newSize) {
    throw new TlogError('TLOG_BAD_PROOF', 'old tree size exceeds the new tree size');
  }
  if (oldSize === newSize) {
    if (proof.length !== 0) {
      throw new TlogError('TLOG_BAD_PROOF', 'consistency proof between equal sizes must be empty');
    }
    if (!bytesEqual(oldRoot, newRoot)) {
      throw new TlogError('TLOG_BAD_PROOF', 'trees of equal size have different root hashes');
    }
    return;
  }
  if (oldSize === 0) {
    if (proof.length !== 0) {
      throw new TlogError('TLOG_BAD_PROOF', 'consistency proof from the empty tree must be empty');
    }
    return;
  }
  if (proof.length === 0) {
    throw new TlogError('TLOG_BAD_PROOF', 'consistency proof is empty');
  }
  const path = floorPow2(oldSize) === oldSize ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) {
      throw new TlogError('TLOG_BAD_PROOF', 'consistency proof is too long');
    }
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new TlogError('TLOG_BAD_PROOF', 'consistency proof is too short');
  }
  if (!bytesEqual(fr, oldRoot)) {
    throw new TlogError('TLOG_BAD_PROOF', 'consistency proof does not lead to the old root hash');
  }
  if (!bytesEqual(sr, newRoot)) {
    throw new TlogError('TLOG_BAD_PROOF', 'consistency proof does not lead to the new root hash');
  }
}

function requireHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!isHash(value)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', `${what} must be a 32-byte Uint8Array`);
  }
}

function requireProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!isArray(proof) || !proof.every(isHash)) {
    throw new TlogError('TLOG_BAD_PROOF', 'proof must be an array of 32-byte hashes');
  }
}
