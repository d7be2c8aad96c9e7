/**
 * `npm run bench`: runs every benchmark on SQLite and PostgreSQL, writes bench/results/*.json
 * and prints a table. Figures are measured, never asserted: see bench/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DIALECTS } from '../apps/server/test/harness.ts';
import { benchLog, type LogFigures } from './log.bench.ts';
import { benchSession } from './session.bench.ts';

const results = fileURLToPath(new URL('./results/', import.meta.url));
const say = (line: string) => console.log(line);

const only = process.argv[2];
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };

// `npm run bench -- session` runs only the recorder's benchmark; every run includes it.
if (!only || only === 'session') {
  say('session recorder benchmark …');
  const session = await benchSession(say);
  await mkdir(results, { recursive: true });
  const report = { date: new Date().toISOString(), machine, ...session };
  await writeFile(`${results}session.json`, JSON.stringify(report, null, 2) + '\n');
  for (const [figure, value] of Object.entries(session)) {
    console.log(`${figure.padEnd(28)}${String(value).padStart(14)}`);
  }
  console.log('written to bench/results/session.json\n');
  if (only === 'session') process.exit(0);
}

const dialects = DIALECTS.filter((d) => !only || d === only);
const figures: Partial<Record<(typeof DIALECTS)[number], LogFigures>> = {};
for (const dialect of dialects) {
  say(`log benchmark on ${dialect} …`);
  figures[dialect] = await benchLog(dialect, say);
}

await mkdir(results, { recursive: true });
// `npm run bench -- sqlite` refreshes one dialect and keeps the other's figures.
const previous = JSON.parse(
  await readFile(`${results}log.json`, 'utf8').catch(() => '{}'),
) as object;
const report = { ...previous, date: new Date().toISOString(), machine, ...figures };
await writeFile(`${results}log.json`, JSON.stringify(report, null, 2) + '\n');

const rows = Object.keys(figures[dialects[0]!]!).filter(
  (k) => k !== 'appendsPerSecondByConcurrency',
) as Exclude<keyof LogFigures, 'appendsPerSecondByConcurrency'>[];
console.log(`\n${'figure'.padEnd(28)}${dialects.map((d) => d.padStart(14)).join('')}`);
for (const row of rows) {
  console.log(
    `${row.padEnd(28)}${dialects.map((d) => String(figures[d]![row]).padStart(14)).join('')}`,
  );
}
console.log(`\nwritten to bench/results/log.json`);
