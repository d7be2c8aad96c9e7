import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
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
  /** Paths of the files below `tile/` at opening: one directory walk instead of a failed open per missing tile. */
  readonly #files: Set<string>;

  private constructor(dir: string, files: Set<string>) {
    this.dir = dir;
    this.#files = files;
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
    let files: string[] = [];
    try {
      files = await readdir(join(dir, 'tile'), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(dir, error);
    }
    return new TileCache(dir, new Set(files.map((file) => `tile/${file.split(sep).join('/')}`)));
  }

  get checkpointPath(): string {
    return join(this.dir, 'checkpoint');
  }

  /** The tile or bundle at `path` (its tlog-tiles path), or undefined if it is not cached. */
  async read(path: string): Promise<Uint8Array | undefined> {
    return this.#files.has(path) ? this.#readFile(path) : undefined;
  }

  async readCheckpoint(): Promise<string | undefined> {
    const bytes = await this.#readFile('checkpoint');
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  async #readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.dir, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(join(this.dir, path), error);
    }
  }

  /**
   * Writes through a temporary file and a rename, so a crash never leaves half a file. Returns
   * whether the file was written.
   */
  async write(path: string, bytes: Uint8Array | string): Promise<boolean> {
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
      return true;
    } catch (error) {
      this.writeProblem ??= `cannot write the cache file ${file}: ${(error as Error).message}`;
      return false;
    }
  }
}

function unreadable(path: string, error: unknown): VerifyError {
  return new VerifyError(
    'VERIFY_BAD_INPUT',
    `cannot read the cache ${path}: ${(error as Error).message}`,
    { cause: error },
  );
}
