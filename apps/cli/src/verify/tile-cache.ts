import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { VerifyError } from './verify-error.ts';

/**
 * `$XDG_CACHE_HOME/allmende/verify/<name>` (or `~/.cache/…`), where `<name>` is readable from
 * the URL and made unique by a short hash of it.
 */
export function defaultCacheDir(baseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const root = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  const url = new URL(baseUrl);
  const readable = `${url.host}${url.pathname}`.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/_+$/, '');
  const digest = createHash('sha256').update(baseUrl).digest('hex').slice(0, 8);
  return join(root, 'allmende', 'verify', `${readable.slice(0, 80)}-${digest}`);
}

/**
 * What `log verify` keeps between runs: full tiles and entry bundles under their tlog-tiles
 * paths (immutable, C2SP tlog-tiles "Full tiles"), and the last checkpoint it verified. Nothing
 * read from here is trusted: the caller hashes it like a download. Writes are best effort: a
 * cache that cannot be written costs downloads next time, never a verification.
 */
export class TileCache {
  readonly dir: string;
  /** The first write failure, if any, for the report. */
  writeProblem: string | undefined;
  readonly #madeDirs = new Set<string>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** @throws VerifyError VERIFY_BAD_INPUT if the folder cannot be created. */
  static async open(dir: string): Promise<TileCache> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new VerifyError(
        'VERIFY_BAD_INPUT',
        `cannot use the cache folder ${dir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new TileCache(dir);
  }

  get checkpointPath(): string {
    return join(this.dir, 'checkpoint');
  }

  /** The file at `path` (a tile path), or undefined if it is not cached. */
  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.dir, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new VerifyError(
        'VERIFY_BAD_INPUT',
        `cannot read the cache file ${join(this.dir, path)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async readCheckpoint(): Promise<string | undefined> {
    const bytes = await this.read('checkpoint');
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  /** Writes through a temporary file and a rename, so a crash never leaves half a file. */
  async write(path: string, bytes: Uint8Array | string): Promise<void> {
    const file = join(this.dir, path);
    const folder = dirname(file);
    try {
      if (!this.#madeDirs.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.#madeDirs.add(folder);
      }
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, file);
    } catch (error) {
      this.writeProblem ??= `cannot write the cache file ${file}: ${(error as Error).message}`;
    }
  }
}
