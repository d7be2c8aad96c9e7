import { readFile } from 'node:fs/promises';
import { ProgressBar, formatCount } from './progress-bar.ts';
import { VerifyError, type VerifyErrorCode } from './verify-error.ts';
import { verifyLog, type VerifyOptions, type VerifyReport } from './verify-log.ts';

export type VerifyCommandArgs = {
  url: string;
  /** The log's note verifier key. */
  key: string;
  /** Path of a signed checkpoint saved earlier. */
  previous?: string;
  /** Cache folder instead of the default under $XDG_CACHE_HOME. */
  cache?: string;
  /** Witness verifier keys given on the command line. */
  witnesses?: string[];
  /** Files of witness verifier keys, one a line. */
  witnessFiles?: string[];
  /** Valid cosignatures required; by default, of every witness given. */
  witnessQuorum?: string;
};

export type Output = { write(text: string): boolean; isTTY?: boolean; columns?: number };
export type CommandIo = { stdout: Output; stderr: Output; fetch?: typeof fetch };

/** 1: the log failed verification or could not be read; 2: the command was given bad input. */
export const EXIT_CODES: Record<VerifyErrorCode, number> = {
  VERIFY_BAD_INPUT: 2,
  VERIFY_NETWORK: 1,
  VERIFY_BAD_CHECKPOINT: 1,
  VERIFY_MISMATCH: 1,
  VERIFY_BAD_ENTRY: 1,
  VERIFY_INCONSISTENT: 1,
  VERIFY_WITNESS_QUORUM: 1,
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
  let inputs: VerifyInputs;
  try {
    inputs = await readVerifyInputs(args);
  } catch (error) {
    stderr.write(`allmende log verify: ${(error as Error).message}\n`);
    return 2;
  }
  const bar = io.stderr.isTTY === true ? new ProgressBar(io.stderr, 'entries') : undefined;
  let report: VerifyReport;
  try {
    report = await verifyLog({
      ...inputs,
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
  if (report.witnesses.length > 0) {
    const valid = report.witnesses.filter((w) => w.status === 'valid');
    const each = report.witnesses.map((w) =>
      w.status === 'valid'
        ? `${w.name} at ${new Date(w.timestamp * 1000).toISOString()}`
        : `${w.name} ${w.status === 'missing' ? 'has not cosigned it' : 'INVALID'}`,
    );
    lines.push(
      `  witnesses   ${valid.length} of ${report.witnesses.length} cosigned it (quorum ${report.witnessQuorum}): ${each.join('; ')}`,
    );
  }
  for (const check of report.consistency) {
    const source = {
      previous: `the previous checkpoint${previousFile === undefined ? '' : ` ${previousFile}`}`,
      cache: 'the checkpoint verified last time (from the cache)',
      before: 'the checkpoint verified before',
    }[check.against];
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

/** What `log verify` and `verify` read from their common arguments, for verifyLog. */
export type VerifyInputs = Pick<
  VerifyOptions,
  'url' | 'verifierKey' | 'previous' | 'witnesses' | 'witnessQuorum' | 'cacheDir'
>;

/**
 * The arguments of a log verification, with the files they name read: the --previous
 * checkpoint, and the witness keys of --witness and --witnesses FILE (one key a line; blank lines
 * and lines beginning with # are skipped), and the quorum; the keys are checked by verifyLog.
 * @throws Error for a file that cannot be read or a quorum that is no number.
 */
export async function readVerifyInputs(args: VerifyCommandArgs): Promise<VerifyInputs> {
  let previous: string | undefined;
  if (args.previous !== undefined) {
    try {
      previous = await readFile(args.previous, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --previous ${args.previous}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const witnesses = [...(args.witnesses ?? [])];
  for (const file of args.witnessFiles ?? []) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --witnesses ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed !== '' && !trimmed.startsWith('#')) witnesses.push(trimmed);
    }
  }
  let witnessQuorum: number | undefined;
  if (args.witnessQuorum !== undefined) {
    if (!/^(0|[1-9][0-9]{0,3})$/.test(args.witnessQuorum)) {
      throw new Error(`invalid --witness-quorum ${args.witnessQuorum}: expected a whole number`);
    }
    witnessQuorum = Number(args.witnessQuorum);
  }
  return {
    url: args.url,
    verifierKey: args.key,
    previous,
    witnesses,
    witnessQuorum,
    cacheDir: args.cache,
  };
}
