import { parseVerifierKey } from '@allmende/tlog';
import type { ApiClient } from '../api-client.ts';
import { shown } from '../cli.ts';
import { openAlarmTicket, sendWebhook, type Alarm, type AlarmKind } from './alarm.ts';
import {
  EXIT_CODES,
  formatReport,
  readVerifyInputs,
  type CommandIo,
  type VerifyCommandArgs,
} from './command.ts';
import { ProgressBar, formatCount } from './progress-bar.ts';
import { RulesVerifier, type RulesRun, type Violation } from './rules-verifier.ts';
import { VerifyError } from './verify-error.ts';
import type { VerifyOptions } from './verify-log.ts';

const NAME = 'allmende verify';
const DEFAULT_INTERVAL_S = 30;
const MAX_INTERVAL_S = 24 * 60 * 60;
/**
 * How long --follow waits for the witnesses to cosign before it raises the alarm: the server
 * serves each new checkpoint at once and the witnesses' cosignatures follow within seconds, so
 * a short wait is normal; a log no checkpoint of which reaches the quorum for this long is
 * being shown to the witnesses differently, or cut off from them.
 */
const WITNESS_GRACE_MS = 10 * 60 * 1000;
const WITNESS_GRACE_POLLS = 10;

export type RulesCommandArgs = VerifyCommandArgs & {
  json?: boolean;
  follow?: boolean;
  /** Seconds between polls with --follow; fractions allowed. */
  interval?: string;
  /** URL the alarm is POSTed to as JSON. */
  webhook?: string;
};

export type RulesCommandIo = CommandIo & {
  /** Where --ticket opens the alarm ticket, logged in; undefined without --ticket. */
  tickets?: ApiClient;
  /** Stops --follow, as SIGINT and SIGTERM do. */
  signal?: AbortSignal;
};

type Inputs = Omit<VerifyOptions, 'verifiedBefore' | 'onEntries'> & {
  origin: string;
  intervalMs: number;
  webhook: string | undefined;
};

/**
 * `allmende verify URL --key VKEY …`: verifies the log as `log verify` does and replays every
 * statement against the rules; with --follow keeps watching and raises the alarm. Returns the
 * exit code: 0 all holds (or --follow was stopped), 1 a violation or a failed check, 2 bad input.
 */
export async function runRulesCommand(
  args: RulesCommandArgs,
  io: RulesCommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let inputs: Inputs;
  try {
    inputs = await readInputs(args, io);
  } catch (error) {
    io.stderr.write(`${NAME}: ${(error as Error).message}\n`);
    return 2;
  }
  const verifier = new RulesVerifier();
  if (args.follow !== true) return verifyOnce(verifier, inputs, args, io);
  return follow(verifier, inputs, args, io);
}

async function verifyOnce(
  verifier: RulesVerifier,
  inputs: Inputs,
  args: RulesCommandArgs,
  io: RulesCommandIo,
): Promise<number> {
  const bar = io.stderr.isTTY === true ? new ProgressBar(io.stderr, 'entries') : undefined;
  let run: RulesRun;
  try {
    run = await verifier.verify({
      ...inputs,
      progress: bar && ((done, total) => bar.update(done, total)),
    });
  } catch (error) {
    bar?.clear();
    if (!(error instanceof VerifyError)) throw error;
    if (args.json === true) {
      writeJson(io, { ok: false, error: { code: error.code, message: error.message } });
    }
    io.stderr.write(`${NAME}: FAILED: ${error.message}\n`);
    return EXIT_CODES[error.code];
  }
  bar?.clear();
  if (args.json === true) writeJson(io, runJson(run));
  else io.stdout.write(formatRun(run, args.previous));
  for (const warning of run.log.warnings) io.stderr.write(`${NAME}: warning: ${warning}\n`);
  return run.violations.length === 0 ? 0 : 1;
}

/**
 * Polls the checkpoint until stopped or alarmed. Each poll checks the new checkpoint against
 * the last one verified and replays only the entries after it; a network error or a checkpoint
 * the witnesses have not cosigned yet is waited out, anything else raises the alarm.
 */
async function follow(
  verifier: RulesVerifier,
  inputs: Inputs,
  args: RulesCommandArgs,
  io: RulesCommandIo,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outer = io.signal;
  outer?.addEventListener('abort', onSignal, { once: true });
  if (outer?.aborted === true) stop.abort();
  const json = args.json === true;
  const note = (event: string, text: string, fields: object = {}) => {
    if (json) writeLine(io, { event, time: new Date().toISOString(), message: text, ...fields });
    else io.stderr.write(`${NAME}: ${text}\n`);
  };
  let lastCosigned = Date.now();
  let pollsWithoutQuorum = 0;
  // Said once, not at every poll: a short interval would repeat it many times a second.
  let said: string | undefined;
  const noteOnce = (event: string, text: string) => {
    if (text !== said) note(event, text);
    said = text;
  };
  try {
    for (let first = true; !stop.signal.aborted; first = false) {
      if (!first) await sleep(inputs.intervalMs, stop.signal);
      if (stop.signal.aborted) break;
      const lastSize = sizeOf(verifier);
      let run: RulesRun;
      try {
        run = await verifier.verify({
          ...inputs,
          previous: verifier.verified === undefined ? inputs.previous : undefined,
          requireQuorum: false,
          signal: stop.signal,
        });
      } catch (error) {
        if (stop.signal.aborted) break;
        if (!(error instanceof VerifyError)) throw error;
        if (error.code === 'VERIFY_BAD_INPUT') {
          io.stderr.write(`${NAME}: ${error.message}\n`);
          return 2;
        }
        if (error.code === 'VERIFY_NETWORK') {
          noteOnce('retry', `${error.message}; trying again every ${inputs.intervalMs / 1000} s`);
          continue;
        }
        const kind = error.code === 'VERIFY_INCONSISTENT' ? 'inconsistent' : 'log-check';
        return await raise(kind, error.message, [], verifier, inputs, io, json);
      }
      const { log } = run;
      if (said !== undefined && log.quorumShortfall === undefined) {
        note('resumed', `resumed at size ${log.size}`);
        said = undefined;
      }
      if (first) {
        if (json) writeLine(io, { event: 'verified', ...runJson(run) });
        else io.stdout.write(formatRun(run, args.previous));
      } else if (log.size !== lastSize) {
        const added = log.size - lastSize;
        const verdict = run.violations.length === 0 ? 'rules kept' : 'RULES BROKEN';
        if (json) writeLine(io, { event: 'checkpoint', ...runJson(run) });
        else {
          io.stdout.write(
            `${new Date().toISOString()}  size ${formatCount(log.size)} (+${formatCount(added)}), root hash ${log.rootHash}: consistent, ${verdict}\n`,
          );
        }
      }
      if (run.violations.length > 0) {
        return await raise(
          'violation',
          summarize(run.violations),
          run.violations,
          verifier,
          inputs,
          io,
          json,
        );
      }
      if (log.quorumShortfall === undefined) {
        lastCosigned = Date.now();
        pollsWithoutQuorum = 0;
      } else {
        pollsWithoutQuorum++;
        const waited = Date.now() - lastCosigned;
        if (waited > WITNESS_GRACE_MS && pollsWithoutQuorum > WITNESS_GRACE_POLLS) {
          return await raise(
            'witnesses',
            `no checkpoint reached the witness quorum for ${Math.round(waited / 60_000)} minutes: ${log.quorumShortfall}`,
            [],
            verifier,
            inputs,
            io,
            json,
          );
        }
        noteOnce('waiting', `${log.quorumShortfall}; waiting for the witnesses`);
      }
    }
    note(
      'stopped',
      verifier.verified === undefined
        ? 'stopped before the first verification was done'
        : `stopped; the log was consistent and the rules kept up to size ${sizeOf(verifier)}`,
    );
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    outer?.removeEventListener('abort', onSignal);
  }
}

/** Prints the alarm, POSTs it to the webhook and opens the ticket, as asked; returns 1. */
async function raise(
  kind: AlarmKind,
  message: string,
  violations: Violation[],
  verifier: RulesVerifier,
  inputs: Inputs,
  io: RulesCommandIo,
  json: boolean,
): Promise<number> {
  const alarm: Alarm = {
    alarm: kind,
    message,
    time: new Date().toISOString(),
    log: { url: inputs.url.replace(/\/+$/, ''), origin: inputs.origin },
    lastVerified: lastVerified(verifier),
    violations,
  };
  if (json) writeLine(io, { event: 'alarm', ...alarm });
  else {
    io.stderr.write(`${NAME}: ALARM (${kind}): ${shown(message)}\n`);
    if (violations.length > 0) io.stdout.write(formatViolations(violations));
  }
  if (inputs.webhook !== undefined) {
    const problem = await sendWebhook(inputs.webhook, alarm, io.fetch);
    io.stderr.write(
      problem === undefined
        ? `${NAME}: alarm sent to ${inputs.webhook}\n`
        : `${NAME}: the alarm could not be sent to ${inputs.webhook}: ${problem}\n`,
    );
  }
  if (io.tickets !== undefined) {
    try {
      const id = await openAlarmTicket(io.tickets, alarm);
      io.stderr.write(`${NAME}: ticket #${id} opened at ${io.tickets.server}\n`);
    } catch (error) {
      io.stderr.write(
        `${NAME}: no ticket could be opened at ${io.tickets.server}: ${(error as Error).message}\n`,
      );
    }
  }
  return 1;
}

/** "2 entries break the rules: entry 7 (cert.issued) access.approvals; entry 9 (…) …, …" */
function summarize(violations: readonly Violation[]): string {
  const byEntry = new Map<number, { type: string; rules: string[] }>();
  for (const v of violations) {
    const entry = byEntry.get(v.index) ?? { type: v.type, rules: [] };
    entry.rules.push(v.rule);
    byEntry.set(v.index, entry);
  }
  const each = [...byEntry].map(
    ([index, { type, rules }]) => `entry ${index} (${type}) ${rules.join(', ')}`,
  );
  const count = byEntry.size === 1 ? '1 entry breaks' : `${byEntry.size} entries break`;
  return `${count} the rules: ${each.join('; ')}`;
}

function sizeOf(verifier: RulesVerifier): number {
  return lastVerified(verifier)?.size ?? 0;
}

function lastVerified(verifier: RulesVerifier): Alarm['lastVerified'] {
  // The checkpoint body (C2SP tlog-checkpoint): origin, size, root hash, each on a line.
  const lines = verifier.verified?.split('\n');
  if (lines === undefined || lines.length < 3) return null;
  return { size: Number(lines[1]), rootHash: lines[2]! };
}

export function formatRun(run: RulesRun, previousFile?: string): string {
  const { statements, violations } = run;
  const types = Object.entries(statements.byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, count]) => `${type} ${formatCount(count)}`);
  const lines = [
    formatReport(run.log, previousFile).trimEnd(),
    `Replayed ${formatCount(statements.total)} statements from the genesis against the rules in force at each:`,
    ...wrapList(types, '  '),
  ];
  lines.push(
    violations.length === 0
      ? '  rules       kept: no entry breaks a rule'
      : `  rules       BROKEN: ${formatCount(violations.length)} ${violations.length === 1 ? 'violation' : 'violations'}`,
  );
  if (run.log.quorumShortfall !== undefined) {
    lines.push(`  witnesses   not yet: ${run.log.quorumShortfall}`);
  }
  return `${lines.join('\n')}\n${formatViolations(violations)}`;
}

function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => shown(`  entry ${v.index}  ${v.type}  ${v.rule}: ${v.message}`) + '\n')
    .join('');
}

function wrapList(items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (line !== '' && indent.length + next.length > 98) {
      lines.push(`${indent}${line},`);
      line = item;
    } else line = next;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

function runJson(run: RulesRun): object {
  const { log, statements, violations } = run;
  return {
    ok: violations.length === 0 && log.quorumShortfall === undefined,
    log,
    rules: { statements: statements.total, byType: statements.byType, violations },
  };
}

function writeJson(io: CommandIo, value: object): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** With --follow --json, one JSON object a line, so that a script can read events as they come. */
function writeLine(io: CommandIo, value: object): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

async function readInputs(args: RulesCommandArgs, io: RulesCommandIo): Promise<Inputs> {
  const verify = await readVerifyInputs(args);
  let origin: string;
  try {
    origin = parseVerifierKey(args.key.trim()).name;
  } catch (error) {
    throw new Error(`invalid verifier key: ${(error as Error).message}`, { cause: error });
  }
  let intervalMs = DEFAULT_INTERVAL_S * 1000;
  if (args.interval !== undefined) {
    const seconds = /^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(args.interval) ? Number(args.interval) : 0;
    if (!(seconds > 0 && seconds <= MAX_INTERVAL_S)) {
      throw new Error(
        `invalid --interval ${args.interval}: seconds between polls, more than 0 and at most ${MAX_INTERVAL_S}`,
      );
    }
    intervalMs = seconds * 1000;
  }
  if (args.follow !== true) {
    for (const [given, option] of [
      [args.interval, '--interval'],
      [args.webhook, '--webhook'],
      [io.tickets, '--ticket'],
    ] as const) {
      if (given !== undefined) throw new Error(`${option} goes with --follow`);
    }
  }
  if (args.webhook !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(args.webhook);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(`invalid --webhook ${args.webhook}: an http:// or https:// URL`);
    }
  }
  return {
    ...verify,
    fetch: io.fetch,
    origin,
    intervalMs,
    webhook: args.webhook,
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
