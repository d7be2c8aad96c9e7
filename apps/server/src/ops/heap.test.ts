import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HEAP = fileURLToPath(new URL('./heap.ts', import.meta.url));

/**
 * A process with about 50 MB of live heap passes 800 MB of output through 64 KiB Buffers, a few
 * alive at a time, as the server does while a session streams; it prints its full collections.
 * V8's flags are the process's, so each way runs in a process of its own.
 */
const STREAM = `
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { paceCollectionsByLiveMemory } from ${JSON.stringify(HEAP)};
if (process.argv[1] === 'paced') paceCollectionsByLiveMemory();
let full = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
  }
}).observe({ entryTypes: ['gc'] });
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, text: 'item ' + i, pair: [i, i + 1] }));
globalThis.gc();
const before = full;
let alive = [];
for (let i = 0; i < 12800; i++) {
  alive.push(Buffer.allocUnsafe(64 * 1024));
  if (alive.length > 16) alive = alive.slice(8);
  if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(full - before, live.length);
`;

async function fullCollections(way: 'paced' | 'default'): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--input-type=module', '--eval', STREAM, way],
    { timeout: 60_000 },
  );
  return Number(stdout.split(' ')[0]);
}

describe('the heap while output streams through Buffers', () => {
  it('collects fully by the memory alive, not by every Buffer made since', async () => {
    const unpaced = await fullCollections('default');
    const paced = await fullCollections('paced');
    // Without pacing, V8 counts every Buffer made since the last collection as heap: the
    // stream sets off a full collection every few tens of MB.
    expect(unpaced).toBeGreaterThanOrEqual(8);
    expect(paced * 2).toBeLessThanOrEqual(unpaced);
  });
});
