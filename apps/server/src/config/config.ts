import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Origin } from '@allmende/protocol';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { AppError } from '../errors.ts';

/**
 * Configuration comes from, strongest first: command-line flags, environment variables
 * (ALLMENDE_*), `allmende.toml` in the data folder, defaults. Anything invalid stops the start
 * with a message that names the setting and where it came from.
 */
export type Config = {
  dataDir: string;
  listen: { host: string; port: number };
  /** `postgres://…`, or undefined for embedded SQLite in the data folder. */
  databaseUrl: string | undefined;
  origin: string;
  /**
   * Where people reach the web app (scheme, host, port). Passkeys are bound to its host name,
   * and cookies are Secure when it is https.
   */
  url: string;
  name: string;
  /** The longest a durable append waits for the checkpoint that covers it. */
  checkpointIntervalMs: number;
  /** Where the desk's SMTP intake listens, or undefined: no intake ("off"). */
  mailListen: { host: string; port: number } | undefined;
  /** The domain of the desk's addresses: help@, help+<ticket>@, <service>@. */
  mailDomain: string;
  /** The SMTP relay for outgoing mail (smtp:// or smtps:// URL), or undefined: no mail out. */
  smtpRelay: string | undefined;
  /** The session recorder that every SSH certificate forces (`force-command`). */
  recorderCommand: string;
};

export const CONFIG_FILE = 'allmende.toml';
export const DEFAULT_ORIGIN = 'localhost/log';
export const DEFAULT_NAME = 'Allmende';

/** HOST:PORT or [IPv6]:PORT; undefined if it is neither. */
export function parseListen(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

const Listen = z.string().transform((value, ctx) => {
  const listen = parseListen(value);
  if (!listen) {
    ctx.addIssue({ code: 'custom', message: 'expected HOST:PORT, e.g. 127.0.0.1:8080' });
    return z.NEVER;
  }
  return listen;
});

const MailListen = z.union([z.literal('off'), Listen]);

const DatabaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// URL (leave unset for SQLite)' });

/** Each setting once: its schema, its environment variable, its key in allmende.toml. */
const SETTINGS = {
  listen: { schema: Listen, env: 'ALLMENDE_LISTEN', key: 'listen', fallback: '127.0.0.1:8080' },
  databaseUrl: {
    schema: DatabaseUrl,
    env: 'ALLMENDE_DATABASE_URL',
    key: 'database_url',
    fallback: undefined,
  },
  origin: { schema: Origin, env: 'ALLMENDE_ORIGIN', key: 'origin', fallback: DEFAULT_ORIGIN },
  url: {
    schema: z
      .url({ protocol: /^https?$/, message: 'expected the web address, e.g. https://coop.example' })
      .transform((value) => new URL(value).origin),
    env: 'ALLMENDE_URL',
    key: 'url',
    fallback: undefined,
  },
  name: {
    schema: z.string().trim().min(1).max(200),
    env: 'ALLMENDE_NAME',
    key: 'name',
    fallback: DEFAULT_NAME,
  },
  checkpointIntervalMs: {
    schema: z.coerce.number().int().min(10).max(1000),
    env: 'ALLMENDE_CHECKPOINT_INTERVAL_MS',
    key: 'checkpoint_interval_ms',
    fallback: 200,
  },
  mailListen: {
    schema: MailListen,
    env: 'ALLMENDE_MAIL_LISTEN',
    key: 'mail_listen',
    fallback: '127.0.0.1:2525',
  },
  mailDomain: {
    schema: z
      .string()
      .toLowerCase()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, {
        message: 'expected a domain, e.g. coop.example',
      }),
    env: 'ALLMENDE_MAIL_DOMAIN',
    key: 'mail_domain',
    fallback: undefined,
  },
  smtpRelay: {
    schema: z.url({
      protocol: /^smtps?$/,
      message: 'expected an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.coop.example:587',
    }),
    env: 'ALLMENDE_SMTP_RELAY',
    key: 'smtp_relay',
    fallback: undefined,
  },
  recorderCommand: {
    schema: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]+$/, { message: 'one line without control characters' }),
    env: 'ALLMENDE_RECORDER_COMMAND',
    key: 'recorder_command',
    fallback: 'allmende-recorder',
  },
} as const;

type Setting = keyof typeof SETTINGS;
export type ConfigOverrides = { dataDir?: string } & { [K in Setting]?: string };

export async function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  const dataDir = resolve(overrides.dataDir ?? env.ALLMENDE_DATA ?? './data');
  const file = await readConfigFile(dataDir);
  const pick = <K extends Setting>(name: K): z.output<(typeof SETTINGS)[K]['schema']> => {
    const setting = SETTINGS[name];
    const sources: [string, unknown][] = [
      [`--${name}`, overrides[name]],
      [setting.env, env[setting.env] || undefined],
      [`${CONFIG_FILE} "${setting.key}"`, file[setting.key]],
    ];
    const [source, raw] = sources.find(([, value]) => value !== undefined) ?? [
      'default',
      setting.fallback,
    ];
    if (raw === undefined) return undefined as z.output<(typeof SETTINGS)[K]['schema']>;
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new AppError('CONFIG_INVALID', `invalid setting ${name} (from ${source}): ${reason}`);
    }
    return parsed.data as z.output<(typeof SETTINGS)[K]['schema']>;
  };
  const listen = pick('listen');
  const url = pick('url') ?? `http://localhost:${listen.port}`;
  const mailListen = pick('mailListen');
  return {
    dataDir,
    listen,
    databaseUrl: pick('databaseUrl'),
    origin: pick('origin'),
    // Passkeys need a host name, not an IP address; "localhost" is one that browsers trust.
    url,
    name: pick('name'),
    checkpointIntervalMs: pick('checkpointIntervalMs'),
    mailListen: mailListen === 'off' ? undefined : mailListen,
    mailDomain: pick('mailDomain') ?? new URL(url).hostname,
    smtpRelay: pick('smtpRelay'),
    recorderCommand: pick('recorderCommand'),
  };
}

async function readConfigFile(dataDir: string): Promise<Record<string, unknown>> {
  const path = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AppError('CONFIG_INVALID', `cannot read ${path}`, { cause: error });
  }
  let table: Record<string, unknown>;
  try {
    table = parseToml(text);
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `${path} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const known = new Set<string>(Object.values(SETTINGS).map((s) => s.key));
  const unknown = Object.keys(table).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new AppError(
      'CONFIG_INVALID',
      `${path}: unknown setting ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
    );
  }
  return table;
}

export function formatListen({ host, port }: Config['listen']): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
