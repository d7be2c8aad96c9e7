import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAttestation } from '../src/attest.ts';
import type { AgentConfig } from '../src/agent-dir.ts';
import { RECORDER_SCRIPT } from '../src/enroll.ts';

const run = promisify(execFile);
const made: string[] = [];

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Starts the recorder as sshd would without a session: it loads, finds no auth, and exits. */
async function startRecorder(agentDir: string): Promise<void> {
  const env = { ...process.env };
  delete env.SSH_USER_AUTH;
  await run(process.execPath, [RECORDER_SCRIPT, '--agent-dir', agentDir], { env }).catch(
    (error: { code?: number }) => expect(error.code).toBe(1),
  );
}

async function agentDir(mode: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-recorder-cache-'));
  made.push(dir);
  await chmod(dir, mode);
  return dir;
}

describe("the recorder's compile cache", () => {
  it("is kept for root's recorder in the agent folder and attested as one digest", async () => {
    const dir = await agentDir(0o700);
    await startRecorder(dir);
    const cache = join(dir, 'compile-cache');
    if (process.getuid?.() !== 0) {
      // Another user's recorder never uses one: only root may write what root's recorder runs.
      expect(existsSync(cache)).toBe(false);
      return;
    }
    const files = (await readdir(cache, { recursive: true, withFileTypes: true })).filter((e) =>
      e.isFile(),
    );
    expect(files.length).toBeGreaterThan(10);

    const config: AgentConfig = {
      server: 'http://127.0.0.1:1',
      origin: 'coop.test/log',
      host: 'cache-test',
      logins: ['root'],
      sshdConfig: join(dir, 'sshd_config'),
      dropIn: join(dir, 'sshd_config.d', 'allmende.conf'),
      sshd: '/usr/sbin/sshd',
      sshdPidFile: join(dir, 'sshd.pid'),
      caUrl: 'http://127.0.0.1:1/ca',
      krlUrl: 'http://127.0.0.1:1/krl',
      recorder: [process.execPath, RECORDER_SCRIPT],
      attest: { sudoers: [], authorizedKeys: [], packages: null },
    };
    const digestOf = async () =>
      (await collectAttestation(config, dir)).filter((f) => f.path.startsWith(cache));
    const before = await digestOf();
    expect(before.map(({ kind, path }) => ({ kind, path }))).toEqual([
      { kind: 'agent', path: `${cache}/` },
    ]);
    expect(before[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await digestOf()).toEqual(before);

    const entry = files[0]!;
    await appendFile(join(entry.parentPath, entry.name), 'tampered');
    expect((await digestOf())[0]?.digest).not.toBe(before[0]?.digest);
  });

  it('is not used in an agent folder that others may write', async () => {
    const dir = await agentDir(0o770);
    await startRecorder(dir);
    expect(existsSync(join(dir, 'compile-cache'))).toBe(false);
  });
});
