import { resolve } from 'node:path';
import { encodeHex } from '@allmende/bytes';
import { sha256 } from '@allmende/tlog';
import {
  CliError,
  JSON_OUTPUT,
  badInput,
  flag,
  formatTable,
  optional,
  printJson,
  type Command,
  type Values,
} from '../cli.ts';
import {
  WitnessConfigSource,
  initWitness,
  loadWitnessConfig,
  parseLogKey,
  readWitnessKey,
  updateWitnessConfig,
} from './witness-config.ts';
import { WitnessError } from './witness-error.ts';
import { WitnessStore } from './witness-store.ts';

const DATA = { data: { type: 'string' } } as const;
const DEFAULT_LISTEN = '127.0.0.1:7380';

/** `allmende witness …`: a C2SP tlog-witness that members run for their own and others' logs. */
export const WITNESS_COMMANDS: Record<string, Command> = {
  'witness init': {
    synopsis: 'witness init [--data DIR] [--name NAME]',
    summary:
      "make the witness's cosigner key (NAME: a schema-less URL such as witness.example.org/w1) and print its verifier key",
    options: { ...DATA, name: { type: 'string' } },
    args: 0,
    async run(values) {
      const dir = witnessDir(values);
      const { key, created } = await run(() => initWitness(dir, optional(values, 'name')));
      console.log(`${created ? 'Made' : 'Kept'} the witness ${key.name} in ${dir}`);
      console.log(`Verifier key: ${key.verifierKey}`);
      console.log(
        `Next: allmende witness add-log LOG_KEY --data ${dir}, then allmende witness serve --data ${dir}`,
      );
      return 0;
    },
  },
  'witness key': {
    synopsis: 'witness key [--data DIR]',
    summary: "print the witness's verifier key (for the cooperative's policy)",
    options: DATA,
    args: 0,
    async run(values) {
      console.log((await run(() => readWitnessKey(witnessDir(values)))).verifierKey);
      return 0;
    },
  },
  'witness add-log': {
    synopsis: 'witness add-log VKEY [--origin ORIGIN] [--data DIR]',
    summary:
      "watch a log: cosign checkpoints signed by VKEY (the log's verifier key, e.g. from allmende log key) for ORIGIN (default: the key's name)",
    options: { ...DATA, origin: { type: 'string' } },
    args: 1,
    async run(values, [text = '']) {
      const key = run(() => parseLogKey(text, 'VKEY'));
      const origin = optional(values, 'origin') ?? key.name;
      const config = await run(() =>
        updateWitnessConfig(witnessDir(values), (file) => {
          const logs = [...file.logs];
          const existing = logs.findIndex((log) => log.origin === origin);
          if (existing < 0) {
            logs.push({ origin, keys: [text.trim()] });
          } else if (!logs[existing]!.keys.some((k) => k.trim() === text.trim())) {
            logs[existing] = { origin, keys: [...logs[existing]!.keys, text.trim()] };
          }
          return { ...file, logs };
        }),
      );
      const keys = config.logs.get(origin)?.keys.length ?? 0;
      console.log(`Watching ${origin} (${keys} key${keys === 1 ? '' : 's'})`);
      return 0;
    },
  },
  'witness remove-log': {
    synopsis: 'witness remove-log ORIGIN [--data DIR]',
    summary: 'stop watching a log (what was cosigned stays recorded)',
    options: DATA,
    args: 1,
    async run(values, [origin = '']) {
      let found = false;
      await run(() =>
        updateWitnessConfig(witnessDir(values), (file) => {
          found = file.logs.some((log) => log.origin === origin);
          return { ...file, logs: file.logs.filter((log) => log.origin !== origin) };
        }),
      );
      if (!found) throw badInput(`this witness does not watch "${origin}"`);
      console.log(`No longer watching ${origin}`);
      return 0;
    },
  },
  'witness logs': {
    synopsis: 'witness logs [--data DIR] [--json]',
    summary:
      'the logs this witness watches, the size it cosigned last, and refused checkpoints kept as evidence',
    options: { ...DATA, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const dir = witnessDir(values);
      const config = await run(() => loadWitnessConfig(dir));
      const store = run(() => WitnessStore.open(dir));
      try {
        const cosigned = new Map(store.all().map((c) => [c.origin, c]));
        const rows = [...config.logs.values()].map((log) => {
          const latest = cosigned.get(log.origin);
          return {
            origin: log.origin,
            originHash: encodeHex(sha256(new TextEncoder().encode(log.origin))),
            keys: log.keys.map((k) => `${k.name}+${encodeHex(k.keyId)}`),
            size: latest?.size ?? null,
            cosignedAt: latest?.cosignedAt ?? null,
            refused: store.evidence(log.origin).map(({ receivedAt, reason }) => ({
              receivedAt,
              reason,
            })),
          };
        });
        if (flag(values, 'json')) {
          printJson(rows);
          return 0;
        }
        if (rows.length === 0) {
          console.log('This witness watches no log yet: allmende witness add-log VKEY');
          return 0;
        }
        console.log(
          formatTable(
            ['ORIGIN', 'COSIGNED SIZE', 'AT', 'REFUSED'],
            rows.map((r) => [
              r.origin,
              r.size === null ? '–' : String(r.size),
              r.cosignedAt ?? '–',
              String(r.refused.length),
            ]),
          ),
        );
        for (const row of rows) {
          for (const refusal of row.refused) {
            console.log(`refused ${row.origin} at ${refusal.receivedAt}: ${refusal.reason}`);
          }
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
  'witness serve': {
    synopsis: 'witness serve [--data DIR] [--listen HOST:PORT]',
    summary: `answer C2SP tlog-witness requests: POST /add-checkpoint (default listen ${DEFAULT_LISTEN})`,
    options: { ...DATA, listen: { type: 'string' } },
    args: 0,
    async run(values) {
      const dir = witnessDir(values);
      const { parseListen } = await import('@allmende/server');
      const { Witness } = await import('./witness.ts');
      const { serveWitness } = await import('./witness-server.ts');
      const key = await run(() => readWitnessKey(dir));
      const initial = await run(() => loadWitnessConfig(dir));
      const listenText = optional(values, 'listen') ?? initial.listen ?? DEFAULT_LISTEN;
      const listen = parseListen(listenText);
      if (!listen) throw badInput(`invalid --listen ${listenText}: expected HOST:PORT`);
      const warn = (event: Record<string, unknown>) =>
        process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
      const source = new WitnessConfigSource(dir, initial, (message) =>
        warn({ level: 'warn', message }),
      );
      const store = run(() => WitnessStore.open(dir));
      const witness = new Witness({ key, store, config: () => source.current() });
      let server: Awaited<ReturnType<typeof serveWitness>>;
      try {
        server = await serveWitness(witness, listen, warn);
      } catch (error) {
        store.close();
        throw badInput(`cannot listen on ${listenText}: ${(error as Error).message}`, error);
      }
      console.log(
        `Witness ${key.name} listening on ${server.url}, watching ${initial.logs.size} log${initial.logs.size === 1 ? '' : 's'}`,
      );
      console.log(`Verifier key: ${key.verifierKey}`);
      await new Promise<void>((done) => {
        const stop = () =>
          void server.close().then(() => {
            store.close();
            done();
          });
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },
};

function witnessDir(values: Values): string {
  return resolve(optional(values, 'data') ?? process.env.ALLMENDE_WITNESS_DATA ?? './witness');
}

/** Runs `work`, turning the witness's own errors into the command line's. */
function run<T>(work: () => T): T {
  try {
    const result = work();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw asCliError(error);
      }) as T;
    }
    return result;
  } catch (error) {
    throw asCliError(error);
  }
}

function asCliError(error: unknown): unknown {
  return error instanceof WitnessError
    ? new CliError('CLI_BAD_INPUT', error.message, { cause: error })
    : error;
}
