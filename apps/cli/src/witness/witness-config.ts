import { readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  ALG_ED25519,
  TlogError,
  generateCosignerKeys,
  parseCosignerKey,
  parseVerifierKey,
  type CosignerKey,
  type VerifierKey,
} from '@allmende/tlog';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import { WitnessError } from './witness-error.ts';

/**
 * A witness's folder: its cosigner key (`witness-key`, mode 0600), the logs it watches
 * (`witness.toml`) and what it cosigned (`witness.sqlite`).
 */
export const WITNESS_KEY_FILE = 'witness-key';
export const WITNESS_CONFIG_FILE = 'witness.toml';
export const WITNESS_DATABASE_FILE = 'witness.sqlite';

/** A log this witness watches: its origin line and the keys whose signatures count. */
export type WatchedLog = { origin: string; keys: VerifierKey[] };

export type WitnessConfig = {
  /** By origin. */
  logs: Map<string, WatchedLog>;
  /** `listen` from witness.toml, if set. */
  listen: string | undefined;
};

// C2SP tlog-checkpoint: the origin is one line of the note; a key per log suffices, a few
// allow a key rotation.
const Origin = z
  .string()
  .min(1)
  .max(1000)
  .refine((s) => s.isWellFormed() && !/[\p{Cc}]/u.test(s), {
    message: 'an origin is one line without control characters',
  });

const ConfigFile = z.strictObject({
  listen: z.string().optional(),
  logs: z
    .array(z.strictObject({ origin: Origin, keys: z.array(z.string()).min(1).max(8) }))
    .max(10_000)
    .default([]),
});
type ConfigFile = z.infer<typeof ConfigFile>;

const HEADER = `# allmende witness: the logs this witness cosigns, each by its origin line and the
# note verifier keys of the log (Ed25519, type 1) whose signatures count. Edit it, or use
# allmende witness add-log / remove-log; a running witness reloads it.
`;

/**
 * Reads witness.toml; a missing file means no logs yet.
 * @throws {WitnessError} WITNESS_CONFIG_INVALID naming the problem and the file.
 */
export async function loadWitnessConfig(dir: string): Promise<WitnessConfig> {
  const path = join(dir, WITNESS_CONFIG_FILE);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw invalid(`cannot read ${path}: ${error.message}`, error);
  });
  return parseWitnessConfig(text, path);
}

export function parseWitnessConfig(text: string, path: string): WitnessConfig {
  const file = readConfigFile(text, path);
  const logs = new Map<string, WatchedLog>();
  for (const [i, log] of file.logs.entries()) {
    const where = `${path}: logs[${i}] (${log.origin})`;
    if (logs.has(log.origin)) throw invalid(`${where}: the origin is listed twice`);
    const keys = log.keys.map((text) => parseLogKey(text, where));
    const ids = new Set(keys.map((k) => `${k.name}+${Buffer.from(k.keyId).toString('hex')}`));
    if (ids.size !== keys.length) throw invalid(`${where}: a key is listed twice`);
    logs.set(log.origin, { origin: log.origin, keys });
  }
  return { logs, listen: file.listen };
}

function readConfigFile(text: string, path: string): ConfigFile {
  let document: unknown;
  try {
    document = parseToml(text);
  } catch (error) {
    throw invalid(`${path} is not TOML: ${(error as Error).message}`, error);
  }
  const parsed = ConfigFile.safeParse(document);
  if (!parsed.success) throw invalid(`${path} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * A log's note verifier key: the key that signs its checkpoints (Ed25519, type 0x01).
 * @throws {WitnessError} WITNESS_CONFIG_INVALID
 */
export function parseLogKey(text: string, where: string): VerifierKey {
  let key: VerifierKey;
  try {
    key = parseVerifierKey(text.trim());
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw invalid(`${where}: invalid verifier key: ${error.message}`, error);
  }
  if (key.algorithm !== ALG_ED25519) {
    throw invalid(
      `${where}: a log signs checkpoints with an Ed25519 note key (type 1), this is a cosigner key`,
    );
  }
  return key;
}

/**
 * Changes witness.toml through `change`, keeping settings it does not touch, and replaces the
 * file in one rename so that a running witness never reads half of it.
 * @throws {WitnessError} WITNESS_CONFIG_INVALID if the file or the result is invalid.
 */
export async function updateWitnessConfig(
  dir: string,
  change: (file: ConfigFile) => ConfigFile,
): Promise<WitnessConfig> {
  const path = join(dir, WITNESS_CONFIG_FILE);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw invalid(`cannot read ${path}: ${error.message}`, error);
  });
  const next = change(readConfigFile(text, path));
  const written = `${HEADER}\n${stringifyToml(next)}\n`;
  const config = parseWitnessConfig(written, path);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, written, { mode: 0o644 });
  await rename(temporary, path);
  return config;
}

/**
 * Creates the folder and the cosigner key, or reads the key that is there: a witness keeps its
 * key for life, since its cosignatures are only worth something under a key others know.
 * @returns the key, and whether it was made now.
 * @throws {WitnessError} WITNESS_CONFIG_INVALID if the key file is unusable or names another witness.
 */
export async function initWitness(
  dir: string,
  name: string | undefined,
): Promise<{ key: CosignerKey; created: boolean }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, WITNESS_KEY_FILE);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    const key = await parseWitnessKey(existing, path);
    if (name !== undefined && key.name !== name) {
      throw invalid(
        `${path} holds the key of the witness "${key.name}", not "${name}"; a witness keeps its name and key for life`,
      );
    }
    return { key, created: false };
  }
  let keys: { signerKey: string };
  try {
    keys = await generateCosignerKeys(name ?? defaultName());
  } catch (error) {
    throw invalid(`cannot make a key named "${name}": ${(error as Error).message}`, error);
  }
  // "wx": never overwrite a key another process made meanwhile.
  await writeFile(path, `${keys.signerKey}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  if (statSync(join(dir, WITNESS_CONFIG_FILE), { throwIfNoEntry: false }) === undefined) {
    await writeFile(join(dir, WITNESS_CONFIG_FILE), HEADER, { mode: 0o644 });
  }
  return { key: await parseWitnessKey(keys.signerKey, path), created: true };
}

/**
 * The witness's cosigner key from its folder.
 * @throws {WitnessError} WITNESS_CONFIG_INVALID if there is none or it is unusable.
 */
export async function readWitnessKey(dir: string): Promise<CosignerKey> {
  const path = join(dir, WITNESS_KEY_FILE);
  const text = await readFile(path, 'utf8').catch(() => {
    throw invalid(`${dir} holds no witness key (${WITNESS_KEY_FILE}); run allmende witness init`);
  });
  return parseWitnessKey(text, path);
}

async function parseWitnessKey(text: string, path: string): Promise<CosignerKey> {
  try {
    return await parseCosignerKey(text.trim());
  } catch (error) {
    // Never the key itself in the message.
    throw invalid(`${path} does not hold a cosigner key: ${(error as Error).message}`, error);
  }
}

function defaultName(): string {
  const host =
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '') || 'localhost';
  return `${host}/witness`;
}

function invalid(message: string, cause?: unknown): WitnessError {
  return new WitnessError('WITNESS_CONFIG_INVALID', message, { cause });
}

/**
 * witness.toml as a running witness sees it: read again whenever the file changes, so that
 * add-log and remove-log take effect without a restart. A file that no longer parses is
 * reported once and the last good configuration stays in force.
 */
export class WitnessConfigSource {
  readonly #path: string;
  readonly #warn: (message: string) => void;
  #config: WitnessConfig;
  #stamp: string;

  constructor(dir: string, initial: WitnessConfig, warn: (message: string) => void) {
    this.#path = join(dir, WITNESS_CONFIG_FILE);
    this.#config = initial;
    this.#stamp = this.#readStamp();
    this.#warn = warn;
  }

  current(): WitnessConfig {
    const stamp = this.#readStamp();
    if (stamp === this.#stamp) return this.#config;
    this.#stamp = stamp;
    try {
      const text = stamp === 'missing' ? '' : readFileSync(this.#path, 'utf8');
      this.#config = parseWitnessConfig(text, this.#path);
    } catch (error) {
      this.#warn(`${(error as Error).message}; keeping the configuration read before`);
    }
    return this.#config;
  }

  #readStamp(): string {
    const stat = statSync(this.#path, { throwIfNoEntry: false, bigint: true });
    return stat === undefined ? 'missing' : `${stat.mtimeNs}/${stat.size}/${stat.ino}`;
  }
}
