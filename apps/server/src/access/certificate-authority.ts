import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors.ts';

const run = promisify(execFile);

/** What a certificate says: `ssh-keygen -s` is given exactly these, nothing else. */
export type CertificateOrder = {
  /** The key to certify, "ssh-ed25519 <base64>". */
  publicKey: string;
  keyId: string;
  serial: number;
  principal: string;
  /** Whole seconds since 1970. */
  validAfter: number;
  validBefore: number;
  /** The critical option force-command: the session recorder. */
  forceCommand: string;
};

/**
 * The cooperative's SSH certificate authority: OpenSSH's own ssh-keygen signs user
 * certificates (`-s`) and writes the key revocation list (`-k`), run with argument arrays in a
 * temporary folder of its own, never through a shell.
 */
export class CertificateAuthority {
  readonly publicKey: string;
  readonly #keyFile: string;

  constructor(options: { keyFile: string; publicKey: string }) {
    this.#keyFile = options.keyFile;
    this.publicKey = options.publicKey;
  }

  /**
   * A certificate line (`ssh-ed25519-cert-v01@openssh.com AAAA…`, without a comment): the
   * principal only, no extension but permit-pty (`-O clear`), force-command set.
   * @throws AppError ACCESS_CA_FAILED
   */
  async issue(order: CertificateOrder): Promise<string> {
    return this.#inTemporaryFolder(async (dir) => {
      const keyFile = join(dir, 'key.pub');
      await writeFile(keyFile, `${order.publicKey}\n`);
      await sshKeygen([
        '-q',
        '-s',
        this.#keyFile,
        '-I',
        order.keyId,
        '-z',
        String(order.serial),
        '-n',
        order.principal,
        '-V',
        `${certificateTime(order.validAfter)}:${certificateTime(order.validBefore)}`,
        '-O',
        'clear',
        '-O',
        'permit-pty',
        '-O',
        `force-command=${order.forceCommand}`,
        keyFile,
      ]);
      const [type, base64] = (await readFile(join(dir, 'key-cert.pub'), 'utf8')).trim().split(' ');
      if (!type || !base64)
        throw new AppError('ACCESS_CA_FAILED', 'ssh-keygen wrote no certificate');
      return `${type} ${base64}`;
    });
  }

  /**
   * An OpenSSH KRL revoking these serials of this CA, numbered `version` (`ssh-keygen -k -z`).
   * @throws AppError ACCESS_CA_FAILED
   */
  async revocationList(serials: readonly number[], version: number): Promise<Uint8Array> {
    return this.#inTemporaryFolder(async (dir) => {
      const spec = join(dir, 'revoked');
      const caFile = join(dir, 'ca.pub');
      await writeFile(spec, serials.map((serial) => `serial: ${serial}\n`).join(''));
      await writeFile(caFile, `${this.publicKey}\n`);
      const krl = join(dir, 'krl');
      await sshKeygen(['-q', '-k', '-f', krl, '-s', caFile, '-z', String(version), spec]);
      return new Uint8Array(await readFile(krl));
    });
  }

  async #inTemporaryFolder<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'allmende-ca-'));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** ssh-keygen -V takes YYYYMMDDHHMMSS, in UTC with a trailing Z. */
function certificateTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z`;
}

async function sshKeygen(args: string[]): Promise<void> {
  try {
    await run('ssh-keygen', args, { timeout: 30_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new AppError(
      'ACCESS_CA_FAILED',
      `the certificate authority failed: ssh-keygen ${args.includes('-k') ? '-k' : '-s'}: ${stderr?.trim() || (error as Error).message}`,
      { cause: error },
    );
  }
}
