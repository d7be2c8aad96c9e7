/**
 * `npm run bench`: runs every benchmark on SQLite and PostgreSQL, writes bench/results/*.json
 * and prints a table. `npm run bench -- desk sqlite` runs one benchmark on one database and
 * keeps the other figures in its file. Figures are measured, never asserted: see
 * bench/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DIALECTS, type TestDialect } from '../apps/server/test/harness.ts';
import { benchDesk } from './desk.bench.ts';
import { benchLog } from './log.bench.ts';

type Figures = Record<string, number | Record<string, number>>;
const BENCHMARKS: Record<
  string,
  (dialect: TestDialect, say: (line: string) => void) => Promise<Figures>
> = { log: benchLog, desk: benchDesk };

const results = fileURLToPath(new URL('./results/', import.meta.url));
const say = (line: string) => console.log(line);

const args = process.argv.slice(2);
const dialects = DIALECTS.filter(
  (d) => !args.some((a) => DIALECTS.includes(a as TestDialect)) || args.includes(d),
);
const names = Object.keys(BENCHMARKS).filter(
  (name) => !args.some((a) => a in BENCHMARKS) || args.includes(name),
);
await mkdir(results, { recursive: true });
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };

for (const name of names) {
  const figures: Partial<Record<TestDialect, Figures>> = {};
  for (const dialect of dialects) {
    say(`${name} benchmark on ${dialect} …`);
    figures[dialect] = await BENCHMARKS[name]!(dialect, say);
  }
  const file = `${results}${name}.json`;
  const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as object;
  const report = { ...previous, date: new Date().toISOString(), machine, ...figures };
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');

  const rows = Object.keys(figures[dialects[0]!]!).filter(
    (k) => typeof figures[dialects[0]!]![k] === 'number',
  );
  console.log(`\n${'figure'.padEnd(28)}${dialects.map((d) => d.padStart(14)).join('')}`);
  for (const row of rows) {
    console.log(
      `${row.padEnd(28)}${dialects.map((d) => JSON.stringify(figures[d]![row]).padStart(14)).join('')}`,
    );
  }
  console.log(`\nwritten to bench/results/${name}.json\n`);
}
