import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  AppError,
  loadConfig,
  openCooperative,
  readVerifierKey,
  startServer,
} from '@allmende/server';

const USAGE = `allmende — the operating system of an internet cooperative

Usage:
  allmende serve [--data DIR] [--listen HOST:PORT]     start the server (creates the data folder on first start)
  allmende init [--data DIR] [--origin O] [--name N]   create a cooperative: log key, admin token, genesis
  allmende log key [--data DIR]                        print the log's verifier key
  allmende log notice TEXT [--server URL --token T | --data DIR]
                                                       publish a notice of the cooperative
  allmende log verify URL --key VKEY [--previous FILE] [--cache DIR]
                                                       check a log served per C2SP tlog-tiles

Settings come from flags, then ALLMENDE_* variables, then DIR/allmende.toml (see README.md).
`;

type Command = {
  options: ParseArgsConfig['options'];
  positionals: number;
  run: (v: Values, p: string[]) => Promise<number>;
};
type Values = Record<string, string | boolean | undefined>;

const DATA = { data: { type: 'string' } } as const;

const COMMANDS: Record<string, Command> = {
  serve: {
    options: { ...DATA, listen: { type: 'string' } },
    positionals: 0,
    async run(values) {
      const server = await startServer({
        dataDir: str(values.data),
        listen: str(values.listen),
        logger: true,
      });
      console.log(
        `Allmende is running at ${server.url}  (log origin ${server.log.origin}, ${server.log.size} entries)`,
      );
      console.log(`Admin token: ${join(server.config.dataDir, 'admin-token')}`);
      await new Promise<void>((done) => {
        const stop = () => void server.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },
  init: {
    options: { ...DATA, origin: { type: 'string' }, name: { type: 'string' } },
    positionals: 0,
    async run(values) {
      const config = await loadConfig({
        dataDir: str(values.data),
        origin: str(values.origin),
        name: str(values.name),
      });
      const coop = await openCooperative(config);
      console.log(`Cooperative "${config.name}" in ${config.dataDir}`);
      console.log(`Log origin:   ${coop.log.origin}`);
      console.log(`Verifier key: ${coop.log.verifierKey}`);
      console.log(`Admin token:  ${join(config.dataDir, 'admin-token')} (keep it secret)`);
      await coop.close();
      return 0;
    },
  },
  'log key': {
    options: DATA,
    positionals: 0,
    async run(values) {
      const config = await loadConfig({ dataDir: str(values.data) });
      console.log(await readVerifierKey(config.dataDir));
      return 0;
    },
  },
  'log notice': {
    options: { ...DATA, server: { type: 'string' }, token: { type: 'string' } },
    positionals: 1,
    async run(values, [text = '']) {
      if (values.server) return postNotice(str(values.server)!, text, await token(values));
      const coop = await openCooperative(await loadConfig({ dataDir: str(values.data) }));
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
    options: { key: { type: 'string' }, previous: { type: 'string' }, cache: { type: 'string' } },
    positionals: 1,
    async run(values, [url = '']) {
      if (!values.key)
        throw new UsageError('log verify needs --key VKEY (print it with `allmende log key`)');
      const { runVerifyCommand } = await import('./verify/command.ts');
      return runVerifyCommand({
        url,
        key: str(values.key)!,
        previous: str(values.previous),
        cache: str(values.cache),
      });
    },
  },
};

export async function main(argv: string[]): Promise<number> {
  const name = [`${argv[0]} ${argv[1]}`, argv[0]].find((n) => n && COMMANDS[n]);
  if (!name || argv.includes('--help') || argv.includes('-h')) {
    (name || argv.length === 0 || argv.includes('--help') ? console.log : console.error)(USAGE);
    return name || argv.length === 0 || argv.includes('--help') ? 0 : 2;
  }
  const command = COMMANDS[name]!;
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(name.split(' ').length),
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== command.positionals) {
      throw new UsageError(
        `allmende ${name} takes ${command.positionals || 'no'} argument${command.positionals === 1 ? '' : 's'}`,
      );
    }
    return await command.run(values, positionals);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      console.error(`allmende: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

class UsageError extends Error {}

const str = (value: string | boolean | undefined) =>
  typeof value === 'string' ? value : undefined;

/** The admin token: --token, else ALLMENDE_TOKEN, else the file in the data folder. */
async function token(values: Values): Promise<string> {
  const explicit = str(values.token) ?? process.env.ALLMENDE_TOKEN;
  if (explicit) return explicit;
  const path = resolve(str(values.data) ?? process.env.ALLMENDE_DATA ?? './data', 'admin-token');
  const stored = await readFile(path, 'utf8').catch(() => undefined);
  if (!stored) {
    throw new AppError(
      'UNAUTHORIZED',
      `no admin token: pass --token, set ALLMENDE_TOKEN, or keep ${path}`,
    );
  }
  return stored.trim();
}

async function postNotice(server: string, text: string, adminToken: string): Promise<number> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/log/notices', server), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    console.error(`allmende: cannot reach ${server}: ${cause ?? (error as Error).message}`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as {
    index?: number;
    error?: { message?: string };
  };
  if (!response.ok) {
    console.error(
      `allmende: ${server} answered ${response.status}: ${body.error?.message ?? response.statusText}`,
    );
    return 1;
  }
  console.log(`notice appended at index ${body.index}`);
  return 0;
}
