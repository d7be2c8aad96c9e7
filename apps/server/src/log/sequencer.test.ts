import { leafHash, nodeFromTiles, rootFromNodes, treeHash } from '@allmende/tlog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extendEdge, rightmostTileIndex } from './sequencer.ts';

/** Replays batches through extendEdge into a tile store, as the sequencer's commits would. */
function grow(batchSizes: number[]) {
  const tiles = new Map<string, Uint8Array>();
  const leaves: Uint8Array[] = [];
  let edge: Uint8Array[][] = [];
  for (const n of batchSizes) {
    const batch = Array.from({ length: n }, (_, i) =>
      leafHash(new TextEncoder().encode(`entry ${leaves.length + i}`)),
    );
    const next = extendEdge(edge, leaves.length, batch);
    for (const t of next.tiles) tiles.set(`${t.level}/${t.index}`, t.hashes);
    edge = next.edge;
    leaves.push(...batch);
  }
  const size = leaves.length;
  const root = rootFromNodes(size, (node) =>
    nodeFromTiles(node, size, (tile) =>
      tiles.get(`${tile.level}/${tile.index}`)!.subarray(0, tile.width * 32),
    ),
  );
  return { tiles, leaves, edge, root };
}

describe('extendEdge', () => {
  it('writes tiles from which the tree root of every size follows, whatever the batching', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        (batches) => {
          const { leaves, root, edge } = grow(batches);
          expect(root).toEqual(treeHash(leaves));
          expect(edge[0]?.length ?? 0).toBe(leaves.length % 256);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('carries full tiles up a level at 65,536 entries', () => {
    const { tiles, leaves, root } = grow([65_535, 1, 300]);
    expect(root).toEqual(treeHash(leaves));
    expect(tiles.get('2/0')).toEqual(treeHash(leaves.slice(0, 65_536)));
    expect(tiles.get('1/0')!.length).toBe(256 * 32);
    expect(rightmostTileIndex(leaves.length, 0)).toBe(257);
  });
});
