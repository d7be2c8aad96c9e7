import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProofNodes,
  inclusionProofNodes,
  leafHash,
  nodeHash,
  proveConsistency,
  proveInclusion,
  rootFromNodes,
  subtreeNodes,
  treeHash,
  type NodeId,
} from './merkle.ts';
import { thrownCode, toHex, utf8 } from './test-helpers.ts';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  entryBundlesForSize,
  nodeFromTiles,
  parseTilePath,
  tileForNode,
  tileHashCount,
  tilePath,
  tilesForSize,
  type Tile,
} from './tile.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe('tile paths', () => {
  it('encode the examples of C2SP tlog-tiles', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 0, index: 1234067, width: 8 })).toBe('tile/0/x001/x234/067.p/8');
    expect(tilePath({ level: 1, index: 0, width: 256 })).toBe('tile/1/000');
    expect(tilePath({ level: 2, index: 1000, width: 255 })).toBe('tile/2/x001/000.p/255');
    expect(tilePath({ level: 0, index: 999, width: 1 })).toBe('tile/0/999.p/1');
    expect(entriesPath(1234067, 256)).toBe('tile/entries/x001/x234/067');
    expect(entriesPath(0, 112)).toBe('tile/entries/000.p/112');
  });

  it('parse what they encode', () => {
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({
      kind: 'hash',
      tile: { level: 0, index: 1234067, width: 256 },
    });
    expect(parseTilePath('tile/3/005.p/17')).toEqual({
      kind: 'hash',
      tile: { level: 3, index: 5, width: 17 },
    });
    expect(parseTilePath('tile/entries/x001/000.p/1')).toEqual({
      kind: 'entries',
      index: 1000,
      width: 1,
    });
    expect(parseTilePath('tile/entries/000')).toEqual({ kind: 'entries', index: 0, width: 256 });
  });

  it('round-trip every tile of a tree of up to 2^53-1 leaves (property)', () => {
    const tiles = fc
      .record({
        level: fc.integer({ min: 0, max: 6 }),
        width: fc.integer({ min: 1, max: 256 }),
      })
      .chain(({ level, width }) => {
        const maxIndex = Math.floor((MAX_SAFE / 256 ** level - width) / 256);
        return maxIndex < 0
          ? fc.constant(undefined)
          : fc.integer({ min: 0, max: maxIndex }).map((index): Tile => ({ level, index, width }));
      });
    fc.assert(
      fc.property(tiles, (tile) => {
        if (tile === undefined) return;
        expect(parseTilePath(tilePath(tile))).toEqual({ kind: 'hash', tile });
        if (tile.level === 0) {
          expect(parseTilePath(entriesPath(tile.index, tile.width))).toEqual({
            kind: 'entries',
            index: tile.index,
            width: tile.width,
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reject every malformed or non-canonical path', () => {
    const bad = [
      '',
      'tile',
      'tile/',
      'tile/0',
      'tile/0/',
      '/tile/0/000',
      'tile/0/000/',
      'tiles/0/000',
      'Tile/0/000',
      'tile//000',
      'tile/0//000',
      'tile/0/0',
      'tile/0/00',
      'tile/0/0000',
      'tile/0/x000',
      'tile/0/x001',
      'tile/0/001/x001',
      'tile/0/x000/001',
      'tile/0/x000/x001/000',
      'tile/0/x1/000',
      'tile/0/X001/000',
      'tile/0/y001/000',
      'tile/0/-01',
      'tile/0/+01',
      'tile/0/1e3',
      'tile/0/0x1',
      'tile/0/ 01',
      'tile/0/01 ',
      'tile/0/abc',
      'tile/0/\u0661\u0662\u0663',
      'tile/00/000',
      'tile/01/000',
      'tile/-1/000',
      'tile/+1/000',
      'tile/64/000',
      'tile/100/000',
      'tile/x/000',
      'tile/data/000',
      'tile/entry/000',
      'tile/0/000.p',
      'tile/0/000.p/',
      'tile/0/000.p/0',
      'tile/0/000.p/00',
      'tile/0/000.p/01',
      'tile/0/000.p/256',
      'tile/0/000.p/1000',
      'tile/0/000.p/-1',
      'tile/0/000.p/1/2',
      'tile/0/000.p/1/',
      'tile/0/000.P/1',
      'tile/0/000.q/1',
      'tile/0/000p/1',
      'tile/0/x001.p/000',
      'tile/0/.p/1',
      'tile/entries/000.p/0',
      'tile/entries/000.p/256',
      'tile/entries/0',
      'tile/entries',
      'tile/entries/',
      // Tiles of trees larger than 2^53-1 leaves.
      'tile/7/000.p/1',
      'tile/6/000.p/32',
      'tile/5/x001/000',
      'tile/0/x035/x184/x372/x088/x832/000',
      'tile/0/x999/x999/x999/x999/x999/999',
      'tile/entries/x035/x184/x372/x088/x832/000',
      `tile/0/${'x000/'.repeat(20)}001`,
    ];
    for (const path of bad) {
      expect(
        thrownCode(() => parseTilePath(path)),
        path,
      ).toBe('TLOG_BAD_TILE');
    }
    for (const notString of [null, undefined, 0, ['tile', '0', '000'], {}]) {
      expect(thrownCode(() => parseTilePath(notString as string))).toBe('TLOG_BAD_TILE');
    }
  });

  it('accept the largest tiles of a tree of 2^53-1 leaves', () => {
    // 2^53-1 leaves: level L holds floor((2^53-1) / 256^L) complete hashes.
    for (let level = 0; level <= 6; level++) {
      const count = Math.floor(MAX_SAFE / 256 ** level);
      const tile = { level, index: Math.floor(count / 256), width: count % 256 };
      if (tile.width === 0) continue;
      expect(parseTilePath(tilePath(tile))).toEqual({ kind: 'hash', tile });
      expect(tileForNode({ level: 8 * level, index: count - 1 }, MAX_SAFE)).toEqual(tile);
    }
  });

  it('reject malformed tiles', () => {
    const bad: unknown[] = [
      { level: 0, index: 0, width: 0 },
      { level: 0, index: 0, width: 257 },
      { level: 0, index: -1, width: 1 },
      { level: -1, index: 0, width: 1 },
      { level: 64, index: 0, width: 1 },
      { level: 7, index: 0, width: 1 },
      { level: 0.5, index: 0, width: 1 },
      { level: 0, index: 2 ** 53, width: 1 },
      { level: 0, index: 0 },
      null,
      'tile/0/000',
    ];
    for (const tile of bad) {
      expect(thrownCode(() => tilePath(tile as Tile))).toBe('TLOG_BAD_ARGUMENT');
    }
    expect(thrownCode(() => entriesPath(0, 0))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => entriesPath(-1, 1))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => entriesPath(MAX_SAFE, 256))).toBe('TLOG_BAD_ARGUMENT');
  });
});

describe('tiles of a tree', () => {
  it('match the example of C2SP tlog-tiles for a tree of 70,000 leaves', () => {
    const tiles = tilesForSize(70_000);
    const level0 = tiles.filter((t) => t.level === 0);
    expect(level0.filter((t) => t.width === 256)).toHaveLength(273);
    expect(level0.filter((t) => t.width < 256)).toEqual([{ level: 0, index: 273, width: 112 }]);
    expect(tiles.filter((t) => t.level === 1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expect(tiles.filter((t) => t.level === 2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(tiles).toHaveLength(273 + 1 + 2 + 1);
  });

  it('match the example of C2SP tlog-tiles for a tree of 256 leaves', () => {
    expect(tilesForSize(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(tilesForSize(0)).toEqual([]);
    expect(tilesForSize(1)).toEqual([{ level: 0, index: 0, width: 1 }]);
  });

  it('list only the new and grown tiles since an older size', () => {
    expect(tilesForSize(5, 5)).toEqual([]);
    expect(tilesForSize(6, 5)).toEqual([{ level: 0, index: 0, width: 6 }]);
    expect(tilesForSize(256, 255)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(tilesForSize(257, 256)).toEqual([{ level: 0, index: 1, width: 1 }]);
    expect(tilesForSize(70_000, 69_999)).toEqual([{ level: 0, index: 273, width: 112 }]);
    expect(tilesForSize(65_536, 65_535)).toEqual([
      { level: 0, index: 255, width: 256 },
      { level: 1, index: 0, width: 256 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tilesForSize(1024, 0)).toEqual(tilesForSize(1024));
    expect(entryBundlesForSize(600, 300)).toEqual([
      { index: 1, width: 256 },
      { index: 2, width: 88 },
    ]);
    expect(thrownCode(() => tilesForSize(5, 6))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => entryBundlesForSize(5, 6))).toBe('TLOG_BAD_ARGUMENT');
  });

  it('list, since an older size, the tiles whose content differs (property)', () => {
    const pair = fc
      .tuple(fc.nat({ max: 200_000 }), fc.nat({ max: 200_000 }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(pair, ([oldSize, size]) => {
        const before = new Set(tilesForSize(oldSize).map(tilePath));
        const after = tilesForSize(size).map(tilePath);
        expect(tilesForSize(size, oldSize).map(tilePath)).toEqual(
          after.filter((path) => !before.has(path)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('list the entry bundles', () => {
    expect(entryBundlesForSize(0)).toEqual([]);
    expect(entryBundlesForSize(255)).toEqual([{ index: 0, width: 255 }]);
    expect(entryBundlesForSize(256)).toEqual([{ index: 0, width: 256 }]);
    const bundles = entryBundlesForSize(70_000);
    expect(bundles).toHaveLength(274);
    expect(bundles[273]).toEqual({ index: 273, width: 112 });
  });

  it('reject bad sizes', () => {
    for (const bad of [-1, 1.5, NaN, 2 ** 53, '5']) {
      expect(thrownCode(() => tilesForSize(bad as number))).toBe('TLOG_BAD_ARGUMENT');
      expect(thrownCode(() => entryBundlesForSize(bad as number))).toBe('TLOG_BAD_ARGUMENT');
    }
  });
});

/** A log of `count` leaves: every node hash, and its tiles as a server would store them. */
function buildLog(count: number) {
  const levels: Uint8Array[][] = [
    Array.from({ length: count }, (_, i) => leafHash(utf8(`entry ${i}`))),
  ];
  for (let below = levels[0]!; below.length > 1; below = levels[levels.length - 1]!) {
    const level: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) level.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(level);
  }
  const readNode = (node: NodeId): Uint8Array => levels[node.level]![node.index]!;
  const cache = new Map<string, Uint8Array>();
  const readTile = (tile: Tile): Uint8Array => {
    const key = `${tile.level}/${tile.index}/${tile.width}`;
    let data = cache.get(key);
    if (data === undefined) {
      const row = levels[tile.level * 8]!;
      data = new Uint8Array(tile.width * 32);
      for (let i = 0; i < tile.width; i++) {
        const hash = row[tile.index * 256 + i];
        if (hash === undefined) throw new Error(`tile ${tilePath(tile)} is beyond the log`);
        data.set(hash, i * 32);
      }
      cache.set(key, data);
    }
    return data;
  };
  return { levels, readNode, readTile };
}

describe('nodes from tiles', () => {
  const log = buildLog(65_537 + 300);
  const sizes = [1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 65_837];

  it.each(sizes)('agree with the tree for a tree of %i leaves', (size) => {
    const served = new Set(tilesForSize(size).map(tilePath));
    const requested: Tile[] = [];
    const readTile = (tile: Tile): Uint8Array => {
      requested.push(tile);
      return log.readTile(tile);
    };
    const fromTiles = (node: NodeId): Uint8Array => nodeFromTiles(node, size, readTile);

    expect(toHex(rootFromNodes(size, fromTiles))).toBe(toHex(rootFromNodes(size, log.readNode)));
    expect(toHex(rootFromNodes(size, fromTiles))).toBe(
      toHex(treeHash(log.levels[0]!.slice(0, size))),
    );
    for (const index of new Set([0, 1 % size, size - 1, Math.floor(size / 3)])) {
      expect(proveInclusion(index, size, fromTiles)).toEqual(
        proveInclusion(index, size, log.readNode),
      );
    }
    for (const oldSize of new Set([1, Math.floor(size / 2), size - 1, 256, 257])) {
      if (oldSize > size || oldSize < 1) continue;
      expect(proveConsistency(oldSize, size, fromTiles)).toEqual(
        proveConsistency(oldSize, size, log.readNode),
      );
    }
    // Only tiles that the log serves for this size were asked for, each the one tileForNode names.
    for (const tile of requested) {
      expect(served.has(tilePath(tile))).toBe(true);
    }
  });

  it('agree with the tree on the nodes of a tree of 65,537 leaves, at every level', () => {
    const size = 65_537;
    for (let level = 0; level <= 16; level++) {
      const count = Math.floor(size / 2 ** level);
      // Every node at levels 0, 8 and 16 and above; every 13th in between, to stay fast.
      const step = level % 8 === 0 || level > 8 ? 1 : 13;
      for (let index = 0; index < count; index += step) {
        const node = { level, index };
        expect(nodeFromTiles(node, size, log.readTile)).toEqual(log.readNode(node));
      }
    }
  });

  it('agree with the tree on proof nodes of random trees (property)', () => {
    const cases = fc
      .integer({ min: 1, max: 65_837 })
      .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
    fc.assert(
      fc.property(cases, ([size, index]) => {
        const served = new Set(tilesForSize(size).map(tilePath));
        const nodes = [
          ...inclusionProofNodes(index, size).flat(),
          ...consistencyProofNodes(index + 1, size).flat(),
          ...subtreeNodes(0, size),
        ];
        for (const node of nodes) {
          expect(served.has(tilePath(tileForNode(node, size)))).toBe(true);
          expect(nodeFromTiles(node, size, log.readTile)).toEqual(log.readNode(node));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('name the tile of a node', () => {
    expect(tileForNode({ level: 0, index: 300 }, 70_000)).toEqual({
      level: 0,
      index: 1,
      width: 256,
    });
    expect(tileForNode({ level: 0, index: 69_999 }, 70_000)).toEqual({
      level: 0,
      index: 273,
      width: 112,
    });
    expect(tileForNode({ level: 3, index: 2 }, 70_000)).toEqual({ level: 0, index: 0, width: 256 });
    expect(tileForNode({ level: 8, index: 272 }, 70_000)).toEqual({
      level: 1,
      index: 1,
      width: 17,
    });
    expect(tileForNode({ level: 15, index: 1 }, 70_000)).toEqual({
      level: 1,
      index: 0,
      width: 256,
    });
    expect(tileForNode({ level: 16, index: 0 }, 70_000)).toEqual({ level: 2, index: 0, width: 1 });
    expect(tileForNode({ level: 52, index: 0 }, MAX_SAFE)).toEqual({
      level: 6,
      index: 0,
      width: 31,
    });
  });

  it('reject nodes outside the tree and tiles of the wrong length', () => {
    expect(thrownCode(() => tileForNode({ level: 0, index: 5 }, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => tileForNode({ level: 1, index: 2 }, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => tileForNode({ level: 60, index: 0 }, MAX_SAFE))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
    expect(thrownCode(() => tileForNode({ level: -1, index: 0 }, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => tileForNode({ level: 0, index: 0.5 }, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => tileForNode(null as unknown as NodeId, 5))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => tileForNode({ level: 0, index: 0 }, -5))).toBe('TLOG_BAD_ARGUMENT');
    const node = { level: 0, index: 3 };
    for (const data of [new Uint8Array(0), new Uint8Array(5 * 32 - 1), new Uint8Array(6 * 32)]) {
      expect(thrownCode(() => nodeFromTiles(node, 5, () => data))).toBe('TLOG_BAD_TILE');
    }
    expect(thrownCode(() => nodeFromTiles(node, 5, () => 'x' as unknown as Uint8Array))).toBe(
      'TLOG_BAD_TILE',
    );
  });

  it('count the hashes of tile data', () => {
    expect(tileHashCount(new Uint8Array(32))).toBe(1);
    expect(tileHashCount(new Uint8Array(8192))).toBe(256);
    for (const length of [0, 31, 33, 8191, 8224]) {
      expect(thrownCode(() => tileHashCount(new Uint8Array(length)))).toBe('TLOG_BAD_TILE');
    }
    expect(thrownCode(() => tileHashCount('x' as unknown as Uint8Array))).toBe('TLOG_BAD_TILE');
  });
});

describe('entry bundles', () => {
  it('prefix each entry with its big-endian uint16 length', () => {
    const bundle = encodeEntryBundle([utf8('ab'), new Uint8Array(0), new Uint8Array(0x1234)]);
    expect(Array.from(bundle.subarray(0, 6))).toEqual([0, 2, 0x61, 0x62, 0, 0]);
    expect(Array.from(bundle.subarray(6, 8))).toEqual([0x12, 0x34]);
    expect(bundle.length).toBe(8 + 0x1234);
  });

  it('decode what they encode (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: TILE_WIDTH }),
        (entries) => {
          const decoded = decodeEntryBundle(encodeEntryBundle(entries), entries.length);
          expect(decoded.map(toHex)).toEqual(entries.map(toHex));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('carry entries of up to 65535 bytes and no more', () => {
    const largest = new Uint8Array(0xffff).fill(7);
    expect(decodeEntryBundle(encodeEntryBundle([largest]))[0]).toEqual(largest);
    expect(thrownCode(() => encodeEntryBundle([new Uint8Array(0x10000)]))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
  });

  it('hold 1 to 256 entries', () => {
    const one = new Uint8Array(1);
    expect(decodeEntryBundle(encodeEntryBundle(Array(256).fill(one)))).toHaveLength(256);
    expect(thrownCode(() => encodeEntryBundle([]))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => encodeEntryBundle(Array(257).fill(one)))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => encodeEntryBundle(['x' as unknown as Uint8Array]))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
    expect(thrownCode(() => encodeEntryBundle(null as unknown as Uint8Array[]))).toBe(
      'TLOG_BAD_ARGUMENT',
    );
    const tooMany = new Uint8Array(257 * 3);
    for (let i = 0; i < 257; i++) tooMany[i * 3 + 1] = 1;
    expect(thrownCode(() => decodeEntryBundle(tooMany))).toBe('TLOG_BAD_BUNDLE');
    expect(thrownCode(() => decodeEntryBundle(new Uint8Array(0)))).toBe('TLOG_BAD_BUNDLE');
  });

  it('reject truncation, trailing bytes and the wrong count', () => {
    const entries = [utf8('first'), utf8(''), utf8('third entry')];
    const bundle = encodeEntryBundle(entries);
    const boundaries = new Set([7, 9, bundle.length]);
    for (let end = 1; end < bundle.length; end++) {
      const code = thrownCode(() => decodeEntryBundle(bundle.subarray(0, end), 3));
      expect(code, `prefix of ${end} bytes`).toBe('TLOG_BAD_BUNDLE');
      if (!boundaries.has(end)) {
        expect(thrownCode(() => decodeEntryBundle(bundle.subarray(0, end)))).toBe(
          'TLOG_BAD_BUNDLE',
        );
      }
    }
    for (const extra of [[0], [0, 5], [0, 0, 0]]) {
      const longer = new Uint8Array([...bundle, ...extra]);
      const code = thrownCode(() => decodeEntryBundle(longer, 3));
      expect(code).toBe('TLOG_BAD_BUNDLE');
    }
    expect(thrownCode(() => decodeEntryBundle(bundle, 2))).toBe('TLOG_BAD_BUNDLE');
    expect(thrownCode(() => decodeEntryBundle(bundle, 0))).toBe('TLOG_BAD_ARGUMENT');
    expect(thrownCode(() => decodeEntryBundle('x' as unknown as Uint8Array))).toBe(
      'TLOG_BAD_BUNDLE',
    );
  });
});
