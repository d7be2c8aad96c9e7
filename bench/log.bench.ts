/**
 * The log benchmark (issue "Foundation and the public log"): durable appends in process and
 * over HTTP, append-to-checkpoint latency, inclusion proofs, verification of 1,000,000 entries,
 * and in the same run the baselines — plain batched inserts of the same bytes into the same
 * database, and plain SHA-256 of them.
 */
import { spawn } from 'node:child_process';
import { hash } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '@allmende/protocol';
import { loadConfig, openCooperative, startServer } from '@allmende/server';
import { sql } from 'kysely';
import { createTestStore, type TestDialect } from '../apps/server/test/harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', 'work');
const VERIFY_SIZE = 1_000_000;
const CONCURRENCY = [1, 16, 64, 256];

export type LogFigures = {
  appendsPerSecond: number;
  appendsPerSecondByConcurrency: Record<string, number>;
  httpAppendsPerSecond: number;
  appendToCheckpointP99Ms: number;
  inclusionProofP99Ms: number;
  verifyEntriesPerSecond: number;
  verifySeconds: number;
  baselineInsertsPerSecond: number;
  baselineSha256PerSecond: number;
};

export async function benchLog(
  dialect: TestDialect,
  say: (line: string) => void,
): Promise<LogFigures> {
  await mkdir(WORK, { recursive: true });
  const store = await createTestStore(dialect, WORK);
  try {
    const config = await loadConfig({ dataDir: store.dataDir, databaseUrl: store.databaseUrl }, {});
    const coop = await openCooperative(config);
    const text = (n: number) => `notice ${n}: the cooperative's servers are doing fine`;

    // 1. Durable appends through the log service, 1 to 256 concurrent callers.
    const byConcurrency: Record<string, number> = {};
    const latencies: number[] = [];
    for (const concurrency of CONCURRENCY) {
      const total = concurrency === 1 ? 500 : 60_000;
      const published: { size: number; at: number }[] = [];
      const stop = coop.log.onCheckpoint((c) =>
        published.push({ size: c.size, at: performance.now() }),
      );
      const starts: { index: number; at: number }[] = [];
      let issued = 0;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (issued < total) {
            const n = issued++;
            const at = performance.now();
            const { index } = await coop.log.append({
              type: 'notice',
              actor: 'coop',
              body: { text: text(n) },
            });
            starts.push({ index, at });
          }
        }),
      );
      byConcurrency[concurrency] = Math.round(total / ((performance.now() - began) / 1000));
      await waitFor(() => coop.log.checkpoint.size === coop.log.size);
      stop();
      // Append-to-checkpoint: from the call to the publication of the first checkpoint covering it.
      for (const { index, at } of starts) {
        const covering = published.find((c) => c.size > index);
        if (covering) latencies.push(covering.at - at);
      }
      say(`  ${dialect}: ${concurrency} callers: ${byConcurrency[concurrency]} appends/s`);
    }

    // 2. Fill the log to 1,000,000 entries for the verification.
    const fillStart = performance.now();
    let filled = coop.log.size;
    await Promise.all(
      Array.from({ length: 256 }, async () => {
        while (filled < VERIFY_SIZE) {
          filled++;
          await coop.log.append({ type: 'notice', actor: 'coop', body: { text: text(filled) } });
        }
      }),
    );
    say(
      `  ${dialect}: filled to ${coop.log.size} entries in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`,
    );

    // 3. Baselines on the same bytes, in the same database.
    const sample = Array.from({ length: 100_000 }, (_, n) =>
      Buffer.from(
        canonicalize({
          v: 1,
          type: 'notice',
          actor: 'coop',
          time: new Date().toISOString(),
          body: { text: text(n) },
        }),
      ),
    );
    const db = coop.database.db;
    const binary = dialect === 'postgres' ? sql`bytea` : sql`blob`;
    await sql`create table bench_baseline (idx bigint primary key, entry ${binary} not null)`.execute(
      db,
    );
    const insertStart = performance.now();
    for (let i = 0; i < sample.length; i += 1000) {
      const rows = sample.slice(i, i + 1000).map((entry, j) => ({ idx: i + j, entry }));
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('bench_baseline' as 'log_entries')
          .values(rows)
          .execute();
      });
    }
    const baselineInsertsPerSecond = Math.round(
      sample.length / ((performance.now() - insertStart) / 1000),
    );
    await sql`drop table bench_baseline`.execute(db);
    const hashStart = performance.now();
    for (const entry of sample) hash('sha256', entry, 'buffer');
    const baselineSha256PerSecond = Math.round(
      sample.length / ((performance.now() - hashStart) / 1000),
    );
    await coop.close();

    // 4. Over HTTP: verification by the CLI, inclusion proofs, appends from a load process.
    const server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
    });
    try {
      const size = server.log.size;
      const cache = await mkdtemp(join(WORK, 'verify-cache-'));
      const verifyStart = performance.now();
      await run(process.execPath, [
        join(ROOT, 'apps/cli/bin/allmende.js'),
        'log',
        'verify',
        `${server.url}/log`,
        '--key',
        server.log.verifierKey,
        '--cache',
        cache,
      ]);
      const verifySeconds = (performance.now() - verifyStart) / 1000;
      say(`  ${dialect}: verified ${size} entries in ${verifySeconds.toFixed(2)} s`);

      const proofTimes: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const index = Math.floor(Math.random() * size);
        const began = performance.now();
        const response = await fetch(`${server.url}/api/log/proof/inclusion?index=${index}`);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`inclusion proof ${index}: ${response.status}`);
        proofTimes.push(performance.now() - began);
      }

      let httpAppendsPerSecond = 0;
      for (const concurrency of [64, 256]) {
        const out = await run(process.execPath, [
          join(ROOT, 'bench/http-load.ts'),
          server.url,
          server.adminToken,
          '40000',
          String(concurrency),
        ]);
        const { count, seconds } = JSON.parse(out) as { count: number; seconds: number };
        httpAppendsPerSecond = Math.max(httpAppendsPerSecond, Math.round(count / seconds));
        say(
          `  ${dialect}: HTTP, ${concurrency} connections: ${Math.round(count / seconds)} appends/s`,
        );
      }

      return {
        appendsPerSecond: Math.max(...Object.values(byConcurrency)),
        appendsPerSecondByConcurrency: byConcurrency,
        httpAppendsPerSecond,
        appendToCheckpointP99Ms: round(percentile(latencies, 0.99)),
        inclusionProofP99Ms: round(percentile(proofTimes, 0.99)),
        verifyEntriesPerSecond: Math.round(size / verifySeconds),
        verifySeconds: round(verifySeconds),
        baselineInsertsPerSecond,
        baselineSha256PerSecond,
      };
    } finally {
      await server.close();
    }
  } finally {
    await store.cleanup();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited with ${code}`)),
    );
  });
}
