import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseVerifierKey } from '@allmende/tlog';
import { startServer } from '@allmende/server';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../bin/allmende.js', import.meta.url));

async function allmende(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, ALLMENDE_DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the allmende command', () => {
  it('init creates a cooperative: key and token readable only by its owner, genesis, configuration', async () => {
    const data = join(await mkdtemp(join(tmpdir(), 'allmende-cli-')), 'new-coop');
    const init = await allmende(
      'init',
      '--data',
      data,
      '--origin',
      'coop.example/log',
      '--name',
      'Beispiel eG',
    );
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Log origin:   coop.example/log');
    for (const file of ['log-key', 'admin-token']) {
      expect((await stat(join(data, file))).mode & 0o777).toBe(0o600);
    }
    expect(await readFile(join(data, 'allmende.toml'), 'utf8')).toContain(
      'origin = "coop.example/log"',
    );

    const key = await allmende('log', 'key', '--data', data);
    expect(parseVerifierKey(key.stdout.trim()).name).toBe('coop.example/log');
    expect(init.stdout).toContain(key.stdout.trim());

    const empty = await allmende('log', 'key', '--data', join(data, 'nothing-here'));
    expect(empty.stderr).toMatch(/holds no cooperative .*run allmende init/);

    const notice = await allmende(
      'log',
      'notice',
      'Mitgliederversammlung am Freitag',
      '--data',
      data,
    );
    expect(notice).toMatchObject({ code: 0, stdout: 'notice appended at index 1\n' });

    // A second init keeps the cooperative it finds; another origin for the same key is refused.
    expect((await allmende('init', '--data', data)).code).toBe(0);
    expect(await allmende('log', 'key', '--data', data)).toMatchObject({ stdout: key.stdout });
    const clash = await allmende('log', 'key', '--data', data, '--origin', 'other.example/log');
    expect(clash.code).toBe(2); // --origin is not an option of `log key`
    const envClash = await promisify(execFile)(
      process.execPath,
      [CLI, 'log', 'notice', 'x', '--data', data],
      {
        env: { ...process.env, ALLMENDE_ORIGIN: 'other.example/log' },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(envClash).toMatchObject({ code: 1 });
    expect((envClash as { stderr: string }).stderr).toMatch(
      /invalid setting origin.*coop\.example\/log/,
    );
  });

  it('publishes a notice through the API with the admin token', async () => {
    const data = await mkdtemp(join(tmpdir(), 'allmende-cli-'));
    const server = await startServer({ dataDir: data, listen: '127.0.0.1:0' });
    try {
      const ok = await allmende(
        'log',
        'notice',
        'Wartung heute Nacht',
        '--server',
        server.url,
        '--token',
        server.adminToken,
      );
      expect(ok).toMatchObject({ code: 0, stdout: 'notice appended at index 1\n' });
      const refused = await allmende(
        'log',
        'notice',
        'x',
        '--server',
        server.url,
        '--token',
        'not-the-token',
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('401');
      const unreachable = await allmende(
        'log',
        'notice',
        'x',
        '--server',
        'http://127.0.0.1:1',
        '--token',
        't',
      );
      expect(unreachable).toMatchObject({ code: 1 });
      expect(unreachable.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1/);
    } finally {
      await server.close();
    }
  });

  it('explains its usage and refuses unknown commands and options', async () => {
    expect((await allmende('--help')).stdout).toContain('allmende log verify URL --key VKEY');
    expect((await allmende('frobnicate')).code).toBe(2);
    expect((await allmende('serve', '--bogus')).code).toBe(2);
    const bad = await allmende(
      'serve',
      '--data',
      await mkdtemp(join(tmpdir(), 'allmende-cli-')),
      '--listen',
      'nowhere',
    );
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toMatch(/invalid setting listen \(from --listen\)/);
  });
});
