import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProofNodes,
  emptyTreeHash,
  inclusionProofNodes,
  leafHash,
  nodeHash,
  proveConsistency,
  proveInclusion,
  rootFromNodes,
  subtreeNodes,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
} from './merkle.ts';
import { flipBit, hex, thrownCode, toHex, utf8 } from './test-helpers.ts';

// RFC 6962 test data as used by transparency-dev/merkle (proof/verify_test.go) and
// certificate-transparency-go: eight leaves, the root of every prefix, and proofs.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);

const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

// Leaf indexes are 0-based here (the source lists them 1-based).
const INCLUSION_PROOFS: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const CONSISTENCY_PROOFS: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every complete subtree hash of a tree, level by level, built with nodeHash alone. */
function buildTree(leafHashes: readonly Uint8Array[]): {
  levels: Uint8Array[][];
  readNode: (node: NodeId) => Uint8Array;
} {
  const levels = [leafHashes.slice()];
  for (let below = levels[0]!; below.length > 1; below = levels[levels.length - 1]!) {
    const level: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) {
      level.push(nodeHash(below[i]!, below[i + 1]!));
    }
    levels.push(level);
  }
  const readNode = (node: NodeId): Uint8Array => {
    const hash = levels[node.level]?.[node.index];
    if (hash === undefined) throw new Error(`no node ${node.level}/${node.index}`);
    return hash;
  };
  return { levels, readNode };
}

// RFC 6962 §2.1 definitions, literally: MTH, PATH and PROOF by recursion.
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyTreeHash();
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function referencePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

function referenceSubproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === leaves.length) return b ? [] : [referenceRoot(leaves)];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m <= k
    ? [...referenceSubproof(m, leaves.slice(0, k), b), referenceRoot(leaves.slice(k))]
    : [...referenceSubproof(m - k, leaves.slice(k), false), referenceRoot(leaves.slice(0, k))];
}

const hexes = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);

/** The leaves [start, end) that a node covers. */
function span(node: NodeId): [number, number] {
  return [node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level];
}

/** Whether the node spans partition [start, end), in order or not. */
function partitions(spans: [number, number][], start: number, end: number): boolean {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let at = start;
  for (const [lo, hi] of sorted) {
    if (lo !== at || hi <= lo) return false;
    at = hi;
  }
  return at === end;
}

const KAT = buildTree(LEAVES.map(leafHash));

describe('RFC 6962 hashing', () => {
  it('hashes leaves, nodes and the empty tree as RFC 6962 §2.1 says', () => {
    expect(toHex(emptyTreeHash())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(ROOTS[0]);
    expect(toHex(nodeHash(leafHash(LEAVES[0]!), leafHash(LEAVES[1]!)))).toBe(ROOTS[1]);
  });

  it('computes the known root of every prefix of the eight test leaves', () => {
    for (let size = 1; size <= 8; size++) {
      const leaves = LEAVES.slice(0, size).map(leafHash);
      expect(toHex(treeHash(leaves))).toBe(ROOTS[size - 1]);
      expect(toHex(rootFromNodes(size, KAT.readNode))).toBe(ROOTS[size - 1]);
    }
    expect(toHex(treeHash([]))).toBe(toHex(emptyTreeHash()));
    expect(toHex(rootFromNodes(0, KAT.readNode))).toBe(toHex(emptyTreeHash()));
  });

  it('agrees with the recursive RFC 6962 definition for every size up to 100', () => {
    const leaves = Array.from({ length: 100 }, (_, i) => leafHash(utf8(`entry ${i}`)));
    for (let size = 0; size <= 100; size++) {
      expect(toHex(treeHash(leaves.slice(0, size)))).toBe(
        toHex(referenceRoot(leaves.slice(0, size))),
      );
    }
  });

  it('does not hand out the caller’s leaf hash as the root of a one-leaf tree', () => {
    const leaf = leafHash(utf8('x'));
    const root = treeHash([leaf]);
    root[0]! ^= 1;
    expect(toHex(treeHash([leaf]))).toBe(toHex(leafHash(utf8('x'))));
  });
});

describe('inclusion proofs', () => {
  it.each(INCLUSION_PROOFS)(
    'reproduce the known proof of leaf %i in a tree of %i',
    (index, size, proof) => {
      expect(hexes(proveInclusion(index, size, KAT.readNode))).toEqual(proof);
      verifyInclusion(leafHash(LEAVES[index]!), index, size, proof.map(hex), hex(ROOTS[size - 1]!));
    },
  );

  it.each(INCLUSION_PROOFS.filter(([, , proof]) => proof.length > 0))(
    'reject every corruption of the known proof of leaf %i in a tree of %i',
    (index, size, proofHex) => {
      const proof = proofHex.map(hex);
      const root = hex(ROOTS[size - 1]!);
      const leaf = leafHash(LEAVES[index]!);
      const probes: [Uint8Array, number, number, Uint8Array[], Uint8Array][] = [
        [leaf, index - 1, size, proof, root],
        [leaf, index + 1, size, proof, root],
        [leaf, index ^ 2, size, proof, root],
        [leaf, index, size * 2, proof, root],
        [leaf, index, Math.floor(size / 2), proof, root],
        [leafHash(utf8('WrongLeaf')), index, size, proof, root],
        [leaf, index, size, proof, emptyTreeHash()],
        [leaf, index, size, [...proof, root], root],
        [leaf, index, size, [root, ...proof], root],
        [leaf, index, size, proof.slice(0, -1), root],
        [leaf, index, size, [proof[0]!, emptyTreeHash(), ...proof.slice(1)], root],
        ...proof.map((_, i): [Uint8Array, number, number, Uint8Array[], Uint8Array] => [
          leaf,
          index,
          size,
          proof.map((p, j) => (i === j ? flipBit(p, 4) : p)),
          root,
        ]),
      ];
      for (const [l, i, s, p, r] of probes) {
        if (i < 0) continue;
        expect(thrownCode(() => verifyInclusion(l, i, s, p, r))).toBe('TLOG_BAD_PROOF');
      }
    },
  );

  it('match the recursive RFC 6962 PATH for every leaf of every tree up to 64', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => leafHash(utf8(`entry ${i}`)));
    const tree = buildTree(leaves);
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) {
        expect(hexes(proveInclusion(index, size, tree.readNode))).toEqual(
          hexes(referencePath(index, leaves.slice(0, size))),
        );
      }
    }
  });
});

describe('consistency proofs', () => {
  it.each(CONSISTENCY_PROOFS)(
    'reproduce the known proof from %i to %i',
    (oldSize, newSize, proof) => {
      expect(hexes(proveConsistency(oldSize, newSize, KAT.readNode))).toEqual(proof);
      verifyConsistency(
        oldSize,
        newSize,
        proof.map(hex),
        hex(ROOTS[oldSize - 1]!),
        hex(ROOTS[newSize - 1]!),
      );
    },
  );

  it.each(CONSISTENCY_PROOFS.filter(([, , proof]) => proof.length > 0))(
    'reject every corruption of the known proof from %i to %i',
    (oldSize, newSize, proofHex) => {
      const proof = proofHex.map(hex);
      const oldRoot = hex(ROOTS[oldSize - 1]!);
      const newRoot = hex(ROOTS[newSize - 1]!);
      const probes: [number, number, Uint8Array[], Uint8Array, Uint8Array][] = [
        [oldSize - 1, newSize, proof, oldRoot, newRoot],
        [oldSize + 1, newSize, proof, oldRoot, newRoot],
        [oldSize ^ 2, newSize, proof, oldRoot, newRoot],
        [oldSize, newSize * 2, proof, oldRoot, newRoot],
        [oldSize, Math.floor(newSize / 2), proof, oldRoot, newRoot],
        [oldSize, newSize, proof, emptyTreeHash(), newRoot],
        [oldSize, newSize, proof, oldRoot, emptyTreeHash()],
        [oldSize, newSize, proof, newRoot, oldRoot],
        [oldSize, newSize, [], oldRoot, newRoot],
        [oldSize, newSize, [...proof, oldRoot], oldRoot, newRoot],
        [oldSize, newSize, [...proof, newRoot], oldRoot, newRoot],
        [oldSize, newSize, [oldRoot, ...proof], oldRoot, newRoot],
        [oldSize, newSize, [newRoot, ...proof], oldRoot, newRoot],
        [oldSize, newSize, [proof[0]!, ...proof], oldRoot, newRoot],
        [oldSize, newSize, proof.slice(0, -1), oldRoot, newRoot],
        ...proof.map((_, i): [number, number, Uint8Array[], Uint8Array, Uint8Array] => [
          oldSize,
          newSize,
          proof.map((p, j) => (i === j ? flipBit(p, 3) : p)),
          oldRoot,
          newRoot,
        ]),
      ];
      for (const [o, n, p, r1, r2] of probes) {
        expect(thrownCode(() => verifyConsistency(o, n, p, r1, r2))).toBe('TLOG_BAD_PROOF');
      }
    },
  );

  it('handle the trivial cases as RFC 9162 §2.1.4.2 says', () => {
    const a = hex(ROOTS[0]!);
    const b = hex(ROOTS[1]!);
    verifyConsistency(0, 0, [], a, a);
    verifyConsistency(0, 1, [], a, b);
    verifyConsistency(0, 5, [], emptyTreeHash(), b);
    verifyConsistency(1, 1, [], b, b);
    expect(thrownCode(() => verifyConsistency(0, 0, [], a, b))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(1, 1, [], a, b))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(1, 0, [], a, b))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(2, 1, [], a, b))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(1, 2, [], a, b))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(0, 0, [a], a, a))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(0, 1, [a], a, a))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(1, 1, [a], a, a))).toBe('TLOG_BAD_PROOF');
    expect(proveConsistency(0, 8, KAT.readNode)).toEqual([]);
    expect(proveConsistency(8, 8, KAT.readNode)).toEqual([]);
  });

  it('match the recursive RFC 6962 PROOF for every pair of sizes up to 64', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => leafHash(utf8(`entry ${i}`)));
    const tree = buildTree(leaves);
    for (let newSize = 1; newSize <= 64; newSize++) {
      for (let oldSize = 1; oldSize <= newSize; oldSize++) {
        expect(hexes(proveConsistency(oldSize, newSize, tree.readNode))).toEqual(
          hexes(referenceSubproof(oldSize, leaves.slice(0, newSize), true)),
        );
      }
    }
  });
});

describe('proofs in a tree of 2048 leaves', () => {
  const N = 2048;
  const leaves = Array.from({ length: N }, (_, i) => leafHash(utf8(`leaf ${i}`)));
  const tree = buildTree(leaves);
  const roots = Array.from({ length: N + 1 }, (_, size) => rootFromNodes(size, tree.readNode));

  it('agrees with treeHash on the root of every size up to 512 and sampled sizes beyond', () => {
    for (let size = 0; size <= N; size += size < 512 ? 1 : 61) {
      expect(toHex(roots[size]!)).toBe(toHex(treeHash(leaves.slice(0, size))));
    }
    expect(toHex(roots[N]!)).toBe(toHex(treeHash(leaves)));
  });

  it('proves and verifies inclusion of the first, last and sampled leaves for every size', () => {
    for (let size = 1; size <= N; size++) {
      const indexes = new Set([0, size - 1, Math.floor(size / 2), (size * 7919) % size]);
      if (size <= 100) for (let i = 0; i < size; i++) indexes.add(i);
      for (const index of indexes) {
        const proof = proveInclusion(index, size, tree.readNode);
        verifyInclusion(leaves[index]!, index, size, proof, roots[size]!);
      }
    }
  });

  it('rejects inclusion proofs for the wrong leaf, index or size', () => {
    for (let size = 1; size <= 40; size++) {
      for (let index = 0; index < size; index++) {
        const proof = proveInclusion(index, size, tree.readNode);
        const root = roots[size]!;
        for (let other = 0; other < size; other++) {
          if (other === index) continue;
          expect(thrownCode(() => verifyInclusion(leaves[index]!, other, size, proof, root))).toBe(
            'TLOG_BAD_PROOF',
          );
          expect(thrownCode(() => verifyInclusion(leaves[other]!, index, size, proof, root))).toBe(
            'TLOG_BAD_PROOF',
          );
        }
        // A proof for another size, checked against that size's root, as a client would.
        for (const other of [size - 1, size + 1, size * 2]) {
          if (other <= index) continue;
          expect(
            thrownCode(() => verifyInclusion(leaves[index]!, index, other, proof, roots[other]!)),
          ).toBe('TLOG_BAD_PROOF');
        }
      }
    }
  });

  it('proves and verifies consistency between every pair of sizes up to 128', () => {
    for (let newSize = 0; newSize <= 128; newSize++) {
      for (let oldSize = 0; oldSize <= newSize; oldSize++) {
        const proof = proveConsistency(oldSize, newSize, tree.readNode);
        verifyConsistency(oldSize, newSize, proof, roots[oldSize]!, roots[newSize]!);
        if (oldSize > 0 && oldSize < newSize) {
          expect(() =>
            verifyConsistency(oldSize, newSize, proof, roots[oldSize - 1]!, roots[newSize]!),
          ).toThrow();
          expect(() =>
            verifyConsistency(oldSize, newSize, proof, roots[oldSize]!, roots[newSize - 1]!),
          ).toThrow();
        }
      }
    }
  });

  const sizes = fc.integer({ min: 1, max: N });
  const leafInTree = sizes.chain((size) =>
    fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }),
  );
  const sizePair = fc
    .tuple(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N }))
    .map(([a, b]) => ({ oldSize: Math.min(a, b), newSize: Math.max(a, b) }));

  it('verifies inclusion and rejects any flipped bit (property)', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), ({ size, index }, seed) => {
        const proof = proveInclusion(index, size, tree.readNode);
        const root = roots[size]!;
        const leaf = leaves[index]!;
        verifyInclusion(leaf, index, size, proof, root);
        const bit = seed % 256;
        expect(
          thrownCode(() => verifyInclusion(flipBit(leaf, bit), index, size, proof, root)),
        ).toBe('TLOG_BAD_PROOF');
        expect(
          thrownCode(() => verifyInclusion(leaf, index, size, proof, flipBit(root, bit))),
        ).toBe('TLOG_BAD_PROOF');
        if (proof.length > 0) {
          const i = seed % proof.length;
          const bad = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
          expect(thrownCode(() => verifyInclusion(leaf, index, size, bad, root))).toBe(
            'TLOG_BAD_PROOF',
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('verifies consistency and rejects any flipped bit (property)', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), ({ oldSize, newSize }, seed) => {
        const proof = proveConsistency(oldSize, newSize, tree.readNode);
        const oldRoot = roots[oldSize]!;
        const newRoot = roots[newSize]!;
        verifyConsistency(oldSize, newSize, proof, oldRoot, newRoot);
        if (oldSize === newSize) return;
        const bit = seed % 256;
        const i = seed % proof.length;
        const bad = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
        expect(thrownCode(() => verifyConsistency(oldSize, newSize, bad, oldRoot, newRoot))).toBe(
          'TLOG_BAD_PROOF',
        );
        expect(
          thrownCode(() =>
            verifyConsistency(oldSize, newSize, proof, flipBit(oldRoot, bit), newRoot),
          ),
        ).toBe('TLOG_BAD_PROOF');
        expect(
          thrownCode(() =>
            verifyConsistency(oldSize, newSize, proof, oldRoot, flipBit(newRoot, bit)),
          ),
        ).toBe('TLOG_BAD_PROOF');
      }),
      { numRuns: 500 },
    );
  });
});

describe('proof nodes', () => {
  it('decompose ranges into maximal complete subtrees', () => {
    expect(subtreeNodes(0, 0)).toEqual([]);
    expect(subtreeNodes(0, 7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(subtreeNodes(3, 13)).toEqual([
      { level: 0, index: 3 },
      { level: 2, index: 1 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(subtreeNodes(0, MAX_SAFE).map((n) => n.level)).toEqual(
      Array.from({ length: 53 }, (_, i) => 52 - i),
    );
  });

  it('cover every range with complete subtrees that partition it (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: MAX_SAFE }), fc.nat({ max: MAX_SAFE }), (a, b) => {
        const [start, end] = [Math.min(a, b), Math.max(a, b)];
        const nodes = subtreeNodes(start, end);
        expect(nodes.length).toBeLessThanOrEqual(2 * 53);
        expect(partitions(nodes.map(span), start, end)).toBe(true);
        for (const node of nodes) {
          expect(Number.isSafeInteger(node.index)).toBe(true);
        }
      }),
    );
  });

  it('partition the tree with the proven leaf, for trees up to 2^53-1 (property)', () => {
    const leafInTree = fc
      .integer({ min: 1, max: MAX_SAFE })
      .chain((size) => fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.constant(size)));
    fc.assert(
      fc.property(leafInTree, ([index, size]) => {
        const path = inclusionProofNodes(index, size);
        const spans = path.flat().map(span);
        expect(partitions([...spans, [index, index + 1]], 0, size)).toBe(true);
        expect(path.length).toBeLessThanOrEqual(53);
      }),
      {
        examples: [
          [[0, MAX_SAFE]],
          [[MAX_SAFE - 1, MAX_SAFE]],
          [[2 ** 52, 2 ** 52 + 1]],
          [[2 ** 32 + 5, 3 * 2 ** 32]],
        ],
      },
    );
  });

  it('partition the new tree, with the old root where it is a subtree, for sizes up to 2^53-1 (property)', () => {
    const pair = fc
      .tuple(fc.integer({ min: 1, max: MAX_SAFE }), fc.integer({ min: 1, max: MAX_SAFE }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(pair, ([oldSize, newSize]) => {
        const path = consistencyProofNodes(oldSize, newSize);
        const spans = path.flat().map(span);
        if (oldSize === newSize) {
          expect(path).toEqual([]);
          return;
        }
        const oldIsSubtree = 2 ** Math.round(Math.log2(oldSize)) === oldSize;
        const all: [number, number][] = oldIsSubtree ? [[0, oldSize], ...spans] : spans;
        expect(partitions(all, 0, newSize)).toBe(true);
      }),
      {
        examples: [
          [[1, MAX_SAFE]],
          [[MAX_SAFE - 1, MAX_SAFE]],
          [[2 ** 52, MAX_SAFE]],
          [[2 ** 32, 3 * 2 ** 32]],
          [[3 * 2 ** 32, 2 ** 52 + 7]],
        ],
      },
    );
  });

  it('name the known proofs’ nodes', () => {
    expect(inclusionProofNodes(5, 8)).toEqual([
      [{ level: 0, index: 4 }],
      [{ level: 1, index: 3 }],
      [{ level: 2, index: 0 }],
    ]);
    expect(inclusionProofNodes(0, 7)).toEqual([
      [{ level: 0, index: 1 }],
      [{ level: 1, index: 1 }],
      [
        { level: 1, index: 2 },
        { level: 0, index: 6 },
      ],
    ]);
    expect(consistencyProofNodes(3, 7)).toEqual([
      [{ level: 0, index: 2 }],
      [{ level: 0, index: 3 }],
      [{ level: 1, index: 0 }],
      [
        { level: 1, index: 2 },
        { level: 0, index: 6 },
      ],
    ]);
  });
});

describe('bad input', () => {
  const hash = leafHash(utf8('x'));
  const notIndexes: unknown[] = [-1, 1.5, NaN, Infinity, 2 ** 53, '1', null, undefined, 1n];

  it('rejects sizes and indexes that are not safe non-negative integers', () => {
    for (const bad of notIndexes) {
      const n = bad as number;
      expect(thrownCode(() => subtreeNodes(n, 5))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => subtreeNodes(0, n))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => inclusionProofNodes(n, 5))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => inclusionProofNodes(0, n))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => consistencyProofNodes(n, 5))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => consistencyProofNodes(1, n))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => rootFromNodes(n, KAT.readNode))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyInclusion(hash, n, 5, [], hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyInclusion(hash, 0, n, [], hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyConsistency(n, 5, [], hash, hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyConsistency(1, n, [], hash, hash))).toBe('TLOG_BAD_ARGUMENT');
    }
  });

  it('rejects ranges, leaves and sizes out of order', () => {
    expect(thrownCode(() => subtreeNodes(5, 3))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => inclusionProofNodes(5, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => proveInclusion(0, 0, KAT.readNode))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => consistencyProofNodes(6, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => verifyInclusion(hash, 1, 1, [], hash))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyInclusion(hash, 0, 0, [], hash))).toBe('TLOG_BAD_PROOF');
  });

  it('rejects hashes that are not 32-byte Uint8Arrays', () => {
    const notHashes: unknown[] = [new Uint8Array(31), new Uint8Array(33), 'x', null, [1, 2]];
    for (const bad of notHashes) {
      const h = bad as Uint8Array;
      expect(thrownCode(() => nodeHash(h, hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => nodeHash(hash, h))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => treeHash([hash, h]))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyInclusion(h, 0, 1, [], hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyInclusion(hash, 0, 1, [], h))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => verifyInclusion(hash, 0, 2, [h], hash))).toBe('TLOG_BAD_PROOF');
      expect(thrownCode(() => verifyConsistency(1, 2, [h], hash, hash))).toBe('TLOG_BAD_PROOF');
      expect(thrownCode(() => verifyConsistency(1, 2, [hash], h, hash))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => proveInclusion(0, 2, () => h))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => rootFromNodes(3, () => h))).toBe('TLOG_BAD_ARGUMENT');
    }
    expect(thrownCode(() => leafHash('x' as unknown as Uint8Array))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => treeHash('x' as unknown as Uint8Array[]))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => verifyInclusion(hash, 0, 1, 'x' as never, hash))).toBe(
      'TLOG_BAD_PROOF',
    );
  });

  it('stops at once on an overlong proof', () => {
    const proof = Array.from({ length: 100_000 }, () => hash);
    expect(thrownCode(() => verifyInclusion(hash, 0, 2, proof, hash))).toBe('TLOG_BAD_PROOF');
    expect(thrownCode(() => verifyConsistency(3, 5, proof, hash, hash))).toBe('TLOG_BAD_PROOF');
  });
});
