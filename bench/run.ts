/**
 * `npm run bench`: runs every benchmark, those of the database on SQLite and PostgreSQL, writes
 * bench/results/<name>.json and prints a table. `npm run bench -- desk sqlite` runs one
 * benchmark on one database and keeps the other figures in its file. Figures are measured,
 * never asserted: see bench/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DIALECTS, type TestDialect } from '../apps/server/test/harness.ts';
import { benchDesk } from './desk.bench.ts';
import { benchLog } from './log.bench.ts';
import { benchSession } from './session.bench.ts';
import { benchVerify } from './verify.bench.ts';

type Figures = Record<string, number | Record<string, number>>;
type Say = (line: string) => void;
/** A benchmark runs once per database, or once (`machine`) where no database is involved. */
const BENCHMARKS: Record<string, (dialect: TestDialect | 'machine', say: Say) => Promise<Figures>> =
  {
    log: (dialect, say) => benchLog(dialect as TestDialect, say),
    desk: (dialect, say) => benchDesk(dialect as TestDialect, say),
    session: (_dialect, say) => benchSession(say),
    verify: (_dialect, say) => benchVerify(say),
  };
const PER_DIALECT = new Set(['log', 'desk']);

const results = fileURLToPath(new URL('./results/', import.meta.url));
const say: Say = (line) => console.log(line);

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
  const runs = PER_DIALECT.has(name) ? dialects : (['machine'] as const);
  const figures: Partial<Record<TestDialect | 'machine', Figures>> = {};
  for (const run of runs) {
    say(`${name} benchmark${run === 'machine' ? '' : ` on ${run}`} …`);
    figures[run] = await BENCHMARKS[name]!(run, say);
  }
  const file = `${results}${name}.json`;
  const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as object;
  const flat = runs.length === 1 && runs[0] === 'machine' ? figures.machine : figures;
  const report = { ...previous, date: new Date().toISOString(), machine, ...flat };
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');

  const first = figures[runs[0]]!;
  const rows = Object.keys(first).filter((k) => typeof first[k] === 'number');
  console.log(`\n${'figure'.padEnd(32)}${runs.map((d) => d.padStart(14)).join('')}`);
  for (const row of rows) {
    console.log(
      `${row.padEnd(32)}${runs.map((d) => JSON.stringify(figures[d]![row]).padStart(14)).join('')}`,
    );
  }
  console.log(`\nwritten to bench/results/${name}.json\n`);
}
