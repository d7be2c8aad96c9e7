import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateNoteKeys, parseSignerKey, type SignerKey } from '@allmende/tlog';
import { stringify as toToml } from 'smol-toml';
import { CONFIG_FILE } from '../config/config.ts';
import { AppError } from '../errors.ts';

/**
 * The data folder holds what must survive and stay secret: the log's note signer key, the SSH
 * certificate authority's key and the admin token (all mode 0600), the configuration file, and
 * the SQLite database.
 */
export const LOG_KEY_FILE = 'log-key';
export const ADMIN_TOKEN_FILE = 'admin-token';
/** The CA's ssh-ed25519 private key, in OpenSSH's format: `ssh-keygen -s` signs with it. */
export const CA_KEY_FILE = 'ca-key';

export type Secrets = {
  signer: SignerKey;
  adminToken: string;
  /** The CA's private key file, and its public key line ("ssh-ed25519 <base64>"). */
  ca: { keyFile: string; publicKey: string };
};

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
  const ca = await prepareCaKey(dataDir, origin);
  return { signer, adminToken, ca };
}

const run = promisify(execFile);

/**
 * The CA's key, made by OpenSSH's ssh-keygen on first use and never replaced; its public key is
 * read back from the private key (`ssh-keygen -y`), so a lost or edited `.pub` cannot mislead.
 * @throws AppError CONFIG_INVALID when ssh-keygen is missing or the file is not such a key
 */
async function prepareCaKey(
  dataDir: string,
  origin: string,
): Promise<{ keyFile: string; publicKey: string }> {
  const keyFile = join(dataDir, CA_KEY_FILE);
  const exists = await readFile(keyFile).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (!exists) {
    const draft = `${keyFile}.new-${randomBytes(6).toString('hex')}`;
    try {
      await sshKeygen([
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        `allmende-ca ${origin}`,
        '-f',
        draft,
      ]);
      await chmod(draft, 0o600);
      // link, not rename: if another process made the key meanwhile, keep theirs.
      await link(draft, keyFile).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(draft, { force: true });
      await rm(`${draft}.pub`, { force: true });
    }
  }
  const line = (await sshKeygen(['-y', '-f', keyFile])).trim();
  const [type, base64] = line.split(' ');
  if (type !== 'ssh-ed25519' || !base64) {
    throw new AppError('CONFIG_INVALID', `${keyFile} is not an ssh-ed25519 key`);
  }
  const publicKey = `${type} ${base64}`;
  await writeFile(`${keyFile}.pub`, `${publicKey} allmende-ca ${origin}\n`, { mode: 0o644 });
  return { keyFile, publicKey };
}

async function sshKeygen(args: string[]): Promise<string> {
  try {
    return (await run('ssh-keygen', args, { timeout: 30_000 })).stdout;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    throw new AppError(
      'CONFIG_INVALID',
      code === 'ENOENT'
        ? "the SSH certificate authority needs OpenSSH's ssh-keygen (apt-get install openssh-client)"
        : `ssh-keygen ${args[0]} failed for the CA key: ${stderr?.trim() || (error as Error).message}`,
      { cause: error },
    );
  }
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
