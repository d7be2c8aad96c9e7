import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ApiClient } from '../api-client.ts';
import {
  CliError,
  optional,
  repeated,
  required,
  usageError,
  type Command,
  type Values,
} from '../cli.ts';
import type { VerifyCommandArgs } from '../verify/command.ts';

const DATA = { data: { type: 'string' } } as const;

/** The options of `log verify`, which `verify` takes too. */
export const LOG_VERIFY_OPTIONS = {
  key: { type: 'string' },
  previous: { type: 'string' },
  cache: { type: 'string' },
  witness: { type: 'string', multiple: true },
  witnesses: { type: 'string', multiple: true },
  'witness-quorum': { type: 'string' },
} as const;

/** What `log verify`'s options say, for `command` (`log verify` or `verify`). */
export function logVerifyArgs(command: string, values: Values, url: string): VerifyCommandArgs {
  if (optional(values, 'key') === undefined) {
    throw usageError(`${command} needs --key VKEY (print it with \`allmende log key\`)`);
  }
  return {
    url,
    key: required(values, 'key'),
    previous: optional(values, 'previous'),
    cache: optional(values, 'cache'),
    witnesses: repeated(values, 'witness'),
    witnessFiles: repeated(values, 'witnesses'),
    witnessQuorum: optional(values, 'witness-quorum'),
  };
}

export const LOG_COMMANDS: Record<string, Command> = {
  'log key': {
    synopsis: 'log key [--data DIR]',
    summary: "print the log's verifier key",
    options: DATA,
    args: 0,
    async run(values) {
      const { loadConfig, readVerifierKey } = await import('@allmende/server');
      const config = await loadConfig({ dataDir: optional(values, 'data') });
      console.log(await readVerifierKey(config.dataDir));
      return 0;
    },
  },
  'log notice': {
    synopsis: 'log notice TEXT [--server URL --token T | --data DIR]',
    summary: 'publish a notice of the cooperative (with the admin token)',
    options: { ...DATA, server: { type: 'string' }, token: { type: 'string' } },
    args: 1,
    async run(values, [text = '']) {
      const server = optional(values, 'server');
      if (server !== undefined) {
        const api = new ApiClient(server, await adminToken(values));
        const { index } = await api.post(
          '/api/log/notices',
          { text },
          z.object({ index: z.number() }),
        );
        console.log(`notice appended at index ${index}`);
        return 0;
      }
      const { loadConfig, openCooperative } = await import('@allmende/server');
      const coop = await openCooperative(await loadConfig({ dataDir: optional(values, 'data') }));
      try {
        const { index } = await coop.log.append({
          type: 'notice',
          actor: 'coop',
          body: { text: text.trim() },
        });
        console.log(`notice appended at index ${index}`);
      } finally {
        await coop.close();
      }
      return 0;
    },
  },
  'log verify': {
    synopsis:
      'log verify URL --key VKEY [--previous FILE] [--cache DIR] [--witness WKEY]… [--witnesses FILE] [--witness-quorum K]',
    summary:
      'check a log served per C2SP tlog-tiles; with witness keys, that K of them (default: all) cosigned its checkpoint',
    options: LOG_VERIFY_OPTIONS,
    args: 1,
    async run(values, [url = '']) {
      const { runVerifyCommand } = await import('../verify/command.ts');
      return runVerifyCommand(logVerifyArgs('log verify', values, url));
    },
  },
};

/** The admin token: --token, else ALLMENDE_TOKEN, else the file in the data folder. */
async function adminToken(values: Values): Promise<string> {
  const explicit = optional(values, 'token') ?? process.env.ALLMENDE_TOKEN;
  if (explicit) return explicit;
  const path = resolve(
    optional(values, 'data') ?? process.env.ALLMENDE_DATA ?? './data',
    'admin-token',
  );
  const stored = await readFile(path, 'utf8').catch(() => undefined);
  if (!stored) {
    throw new CliError(
      'CLI_NOT_LOGGED_IN',
      `no admin token: pass --token, set ALLMENDE_TOKEN, or keep ${path}`,
    );
  }
  return stored.trim();
}
