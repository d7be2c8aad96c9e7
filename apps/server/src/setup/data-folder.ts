import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateNoteKeys, parseSignerKey, type SignerKey } from '@allmende/tlog';
import { stringify as toToml } from 'smol-toml';
import { CONFIG_FILE } from '../config/config.ts';
import { AppError } from '../errors.ts';

/**
 * The data folder holds what must survive and stay secret: the log's note signer key and the
 * admin token (both mode 0600), the configuration file, and the SQLite database.
 */
export const LOG_KEY_FILE = 'log-key';
export const ADMIN_TOKEN_FILE = 'admin-token';

export type Secrets = { signer: SignerKey; adminToken: string };

/**
 * Creates what is missing in the data folder; never replaces a key or token that exists. A new
 * cooperative's origin, name and web address go into allmende.toml, so that the next start
 * keeps them.
 * @throws AppError CONFIG_INVALID when the data folder belongs to another origin
 */
export async function prepareDataFolder(
  dataDir: string,
  { origin, name, url }: { origin: string; name: string; url: string },
): Promise<Secrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const signerKey = await readOrCreate(join(dataDir, LOG_KEY_FILE), async () => {
    await writeConfigFile(dataDir, { origin, name, url });
    const { signerKey } = await generateNoteKeys(origin);
    return signerKey;
  });
  const signer = await parseLogKey(signerKey, join(dataDir, LOG_KEY_FILE));
  const keyOrigin = signer.name;
  if (keyOrigin !== origin) {
    throw new AppError(
      'CONFIG_INVALID',
      `invalid setting origin: the log key in ${dataDir} belongs to "${keyOrigin}", not "${origin}" (a log keeps its origin for life)`,
    );
  }
  const adminToken = await readOrCreate(join(dataDir, ADMIN_TOKEN_FILE), () =>
    Promise.resolve(randomBytes(32).toString('base64url')),
  );
  return { signer, adminToken };
}

/**
 * The log's verifier key, read from the data folder without opening the database.
 * @throws AppError CONFIG_INVALID when the folder holds no cooperative
 */
export async function readVerifierKey(dataDir: string): Promise<string> {
  const path = join(dataDir, LOG_KEY_FILE);
  const signerKey = await readFile(path, 'utf8').catch(() => {
    throw new AppError(
      'CONFIG_INVALID',
      `${dataDir} holds no cooperative (no ${LOG_KEY_FILE}); run allmende init`,
    );
  });
  return (await parseLogKey(signerKey.trim(), path)).verifierKey;
}

async function parseLogKey(signerKey: string, path: string): Promise<SignerKey> {
  try {
    return await parseSignerKey(signerKey);
  } catch (error) {
    throw new AppError(
      'CONFIG_INVALID',
      `${path} does not hold a note signer key: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Writes settings into a new allmende.toml; an existing one is the operator's and stays. */
async function writeConfigFile(dataDir: string, settings: Record<string, string>): Promise<void> {
  const path = join(dataDir, CONFIG_FILE);
  const existing = await readFile(path, 'utf8').catch(() => '');
  if (existing) return;
  const header = '# Allmende configuration. Environment variables (ALLMENDE_*) take precedence.\n';
  await writeFile(path, header + toToml(settings) + '\n', { mode: 0o600 });
}

async function readOrCreate(path: string, create: () => Promise<string>): Promise<string> {
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (!value) throw new AppError('CONFIG_INVALID', `${path} is empty`);
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = await create();
  // 'wx': if another process created the file meanwhile, fail instead of replacing its secret.
  await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return value;
}
