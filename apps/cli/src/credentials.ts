import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Handle } from '@allmende/protocol';
import { z } from 'zod';
import { badInput, CliError } from './cli.ts';

// The member's logins: one API token per server, in a file only the member can read. Nothing
// here is ever printed; a token leaves this file only in an Authorization header.

export const CREDENTIALS_FILE = 'credentials.json';

const Login = z.strictObject({
  /** The server's base URL (scheme, host, port). */
  url: z.string(),
  /** The log origin at login: statements are signed for it, so a server that changes it is refused. */
  origin: z.string(),
  handle: Handle,
  token: z.string().min(1),
  tokenId: z.string().min(1),
  /** The key file given at login, for signing; absent: the SSH agent's only key. */
  key: z.string().optional(),
  createdAt: z.string(),
});
export type Login = z.infer<typeof Login>;

const CredentialsFile = z.strictObject({ version: z.literal(1), logins: z.array(Login) });

/**
 * Where the CLI keeps its settings: $ALLMENDE_CONFIG_DIR, else $XDG_CONFIG_HOME/allmende, else
 * ~/.config/allmende (XDG Base Directory Specification).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ALLMENDE_CONFIG_DIR) return env.ALLMENDE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME?.startsWith('/')
    ? env.XDG_CONFIG_HOME
    : join(homedir(), '.config');
  return join(base, 'allmende');
}

export class CredentialStore {
  readonly dir: string;
  readonly path: string;

  constructor(dir: string = configDir()) {
    this.dir = dir;
    this.path = join(dir, CREDENTIALS_FILE);
  }

  /**
   * @throws {CliError} CLI_BAD_INPUT if the file is damaged or others may read it.
   */
  async list(): Promise<Login[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw badInput(`cannot read ${this.path}: ${(error as Error).message}`, error);
    }
    // As ssh does with private keys: tokens that others could have read are not used.
    const mode = (await stat(this.path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw badInput(
        `${this.path} is readable by others (mode ${mode.toString(8)}): its tokens may be known; ` +
          `run chmod 600 ${this.path}, or delete it and log in again`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = CredentialsFile.safeParse(value);
    if (!parsed.success) {
      throw badInput(`${this.path} is damaged: delete it and log in again`);
    }
    return parsed.data.logins;
  }

  async find(url: string): Promise<Login | undefined> {
    return (await this.list()).find((login) => login.url === url);
  }

  /** Stores a login, replacing the one for the same server; returns the one replaced. */
  async save(login: Login): Promise<Login | undefined> {
    const logins = await this.list();
    const replaced = logins.find((l) => l.url === login.url);
    await this.#write([...logins.filter((l) => l.url !== login.url), login]);
    return replaced;
  }

  async remove(url: string): Promise<void> {
    const logins = await this.list();
    await this.#write(logins.filter((l) => l.url !== url));
  }

  /** Written to a fresh 0600 file and renamed over the old one, so no reader sees half a file. */
  async #write(logins: Login[]): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      if (logins.length === 0) {
        await rm(this.path, { force: true });
        return;
      }
      const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      const text = `${JSON.stringify({ version: 1, logins }, null, 2)}\n`;
      await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw badInput(`cannot write ${this.path}: ${(error as Error).message}`, error);
    }
  }
}
