import { readFile } from 'node:fs/promises';
import { ProgressBar, formatCount } from './progress-bar.ts';
import { VerifyError, type VerifyErrorCode } from './verify-error.ts';
import { verifyLog, type VerifyReport } from './verify-log.ts';

export type VerifyCommandArgs = {
  url: string;
  /** The log's note verifier key. */
  key: string;
  /** Path of a signed checkpoint saved earlier. */
  previous?: string;
  /** Cache folder instead of the default under $XDG_CACHE_HOME. */
  cache?: string;
};

type Output = { write(text: string): boolean; isTTY?: boolean; columns?: number };
export type CommandIo = { stdout: Output; stderr: Output; fetch?: typeof fetch };

/** 1: the log failed verification or could not be read; 2: the command was given bad input. */
const EXIT_CODES: Record<VerifyErrorCode, number> = {
  VERIFY_BAD_INPUT: 2,
  VERIFY_NETWORK: 1,
  VERIFY_BAD_CHECKPOINT: 1,
  VERIFY_MISMATCH: 1,
  VERIFY_BAD_ENTRY: 1,
  VERIFY_INCONSISTENT: 1,
};

/**
 * `allmende log verify URL --key VKEY [--previous FILE] [--cache DIR]`: verifies the whole log,
 * with a progress bar when stderr is a terminal and a summary on stdout. Returns the exit code.
 */
export async function runVerifyCommand(
  args: VerifyCommandArgs,
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { stdout, stderr } = io;
  let previous: string | undefined;
  if (args.previous !== undefined) {
    try {
      previous = await readFile(args.previous, 'utf8');
    } catch (error) {
      stderr.write(
        `allmende log verify: cannot read --previous ${args.previous}: ${(error as Error).message}\n`,
      );
      return 2;
    }
  }
  const bar = io.stderr.isTTY === true ? new ProgressBar(io.stderr, 'entries') : undefined;
  let report: VerifyReport;
  try {
    report = await verifyLog({
      url: args.url,
      verifierKey: args.key,
      previous,
      cacheDir: args.cache,
      fetch: io.fetch,
      progress: bar && ((done, total) => bar.update(done, total)),
    });
  } catch (error) {
    bar?.clear();
    if (!(error instanceof VerifyError)) throw error;
    stderr.write(`allmende log verify: FAILED: ${error.message}\n`);
    return EXIT_CODES[error.code];
  }
  bar?.clear();
  stdout.write(formatReport(report, args.previous));
  for (const warning of report.warnings) stderr.write(`allmende log verify: warning: ${warning}\n`);
  return 0;
}

export function formatReport(report: VerifyReport, previousFile?: string): string {
  const seconds = report.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(report.entriesChecked / seconds) : report.entriesChecked;
  const lines = [
    `Verified the log ${report.origin} at ${report.url}`,
    `  checkpoint  size ${formatCount(report.size)}, root hash ${report.rootHash}, signature valid`,
    `  entries     ${formatCount(report.entriesChecked)} checked: statements, leaf hashes, ${formatCount(report.tilesChecked)} tiles and bundles, root hash`,
  ];
  for (const check of report.consistency) {
    const source =
      check.against === 'previous'
        ? `the previous checkpoint${previousFile === undefined ? '' : ` ${previousFile}`}`
        : 'the checkpoint verified last time (from the cache)';
    lines.push(`  consistent  with ${source} (size ${formatCount(check.size)})`);
  }
  if (!report.consistency.some((check) => check.against === 'cache')) {
    lines.push('  consistent  no earlier checkpoint in the cache: this is the first run');
  }
  lines.push(
    `  downloaded  ${formatCount(report.downloaded.files)} files (${formatBytes(report.downloaded.bytes)}); from the cache ${formatCount(report.cached.files)} files (${formatBytes(report.cached.bytes)})`,
    `  elapsed     ${seconds.toFixed(1)} s (${formatCount(rate)} entries/s)`,
  );
  if (report.savedCheckpoint !== undefined) {
    lines.push(
      `  saved       ${report.savedCheckpoint} (the next run checks the log still extends it)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
