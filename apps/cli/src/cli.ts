import type { ParseArgsConfig } from 'node:util';

// What every command shares: its description for the usage text, its options for parseArgs,
// the one error class of the command line, and the helpers that read option values.

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export type Command = {
  /** What follows `allmende` in the usage text, e.g. `member show HANDLE [--json]`. */
  synopsis: string;
  /** One line for people. */
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments: exactly, or [at least, at most]. */
  args: number | readonly [number, number];
  run(values: Values, args: string[]): Promise<number>;
};

/** Why a command failed. */
export const CLI_ERROR_CODES = [
  /** The command line is wrong: unknown option, missing argument or option. */
  'CLI_USAGE',
  /** A value, file, key or statement given is invalid. */
  'CLI_BAD_INPUT',
  /** The command needs a login that is not there, or several could be meant. */
  'CLI_NOT_LOGGED_IN',
  /** The server could not be reached. */
  'CLI_NETWORK',
  /** The server answered with an error. */
  'CLI_SERVER_REFUSED',
  /** The server's answer is malformed or contradicts itself. */
  'CLI_BAD_REPLY',
  /** The member declined at the confirmation prompt. */
  'CLI_DECLINED',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** 2: the command was given bad input (as `allmende log verify` has it); 1: it failed. */
export const EXIT_CODES: Record<CliErrorCode, number> = {
  CLI_USAGE: 2,
  CLI_BAD_INPUT: 2,
  CLI_NOT_LOGGED_IN: 1,
  CLI_NETWORK: 1,
  CLI_SERVER_REFUSED: 1,
  CLI_BAD_REPLY: 1,
  CLI_DECLINED: 1,
};

/** The one error of the command line; `message` is meant for the member running it. */
export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export function usageError(message: string): CliError {
  return new CliError('CLI_USAGE', message);
}

export function badInput(message: string, cause?: unknown): CliError {
  return new CliError('CLI_BAD_INPUT', message, { cause });
}

/** A string option's value, or undefined. */
export function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string option the command cannot do without. */
export function required(values: Values, name: string): string {
  const value = optional(values, name);
  if (value === undefined) throw usageError(`--${name} is required`);
  return value;
}

/** All values of a repeatable option. */
export function repeated(values: Values, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** Options most commands that talk to a server share. */
export const SERVER = { server: { type: 'string' } } as const;
export const JSON_OUTPUT = { json: { type: 'boolean' } } as const;
/** Options of commands that draft, sign and submit a statement. */
export const STATEMENT = {
  ...SERVER,
  ...JSON_OUTPUT,
  key: { type: 'string' },
  draft: { type: 'boolean' },
} as const;

/**
 * Text from the server or a file, fit for a terminal: control and format characters (which
 * could rewrite or reorder what a confirmation prompt shows) become U+FFFD.
 */
export function shown(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '\uFFFD');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A list as JSON with --json, else as a table of `columns`, one row per item. */
export function printList<T>(
  values: Values,
  items: readonly T[],
  columns: readonly string[],
  row: (item: T) => readonly string[],
): number {
  if (flag(values, 'json')) printJson(items);
  else console.log(formatTable(columns, items.map(row)));
  return 0;
}

/** Columns aligned by padding; every cell passes through {@link shown}. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => shown(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? '')].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell.padEnd(widths[i]! + cell.length - [...cell].length),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
