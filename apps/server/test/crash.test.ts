import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  decodeBase64,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
} from '@allmende/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestStore, eventually, type TestStore } from './harness.ts';

const CLI = fileURLToPath(new URL('../../cli/bin/allmende.js', import.meta.url));

/** Starts `allmende serve` as a real process and resolves with its address once it listens. */
function serve(store: TestStore): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data', store.dataDir, '--listen', '127.0.0.1:0'],
    {
      env: { ...process.env, ALLMENDE_DATABASE_URL: store.databaseUrl ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/[^\s;]+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

describe.each(DIALECTS)('a crash during a burst of appends on %s', (dialect) => {
  let store: TestStore | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await store?.cleanup();
  });

  it('loses no acknowledged entry and stays consistent with every checkpoint served before', async () => {
    store = await createTestStore(dialect);
    const first = await serve(store);
    child = first.child;
    const token = readFileSync(`${store.dataDir}/admin-token`, 'utf8').trim();
    const { verifierKey } = (await (await fetch(`${first.url}/api/log/info`)).json()) as {
      verifierKey: string;
    };
    const verifier = parseVerifierKey(verifierKey);

    const acknowledged = new Map<number, string>();
    const checkpoints = new Map<number, { size: number; rootHash: Uint8Array }>();
    let running = true;
    const worker = async (id: number) => {
      for (let n = 0; running; n++) {
        const text = `worker ${id} notice ${n}`;
        try {
          const reply = await fetch(`${first.url}/api/log/notices`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ text }),
          });
          if (reply.status !== 200) return;
          acknowledged.set(((await reply.json()) as { index: number }).index, text);
        } catch {
          return; // the server is gone
        }
      }
    };
    const watcher = async () => {
      while (running) {
        try {
          const note = await (await fetch(`${first.url}/log/checkpoint`)).text();
          const checkpoint = parseCheckpoint((await openNote(note, [verifier])).text);
          checkpoints.set(checkpoint.size, checkpoint);
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const load = [...Array.from({ length: 48 }, (_, i) => worker(i)), watcher()];
    await eventually(
      async () => (acknowledged.size >= 1500 && checkpoints.size >= 2 ? true : undefined),
      'a busy log',
      30_000,
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    running = false;
    await Promise.all(load);

    const second = await serve(store);
    child = second.child;
    const info = (await (await fetch(`${second.url}/api/log/info`)).json()) as { size: number };
    expect(info.size).toBeGreaterThan(Math.max(...acknowledged.keys()));

    const stored = new Map<number, string>();
    for (let start = 0; start < info.size; start += 1000) {
      const page = (await (
        await fetch(`${second.url}/api/log/entries?start=${start}&limit=1000`)
      ).json()) as {
        entries: { index: number; statement: { body: { text?: string } } }[];
      };
      for (const e of page.entries) stored.set(e.index, e.statement.body.text ?? '');
    }
    const lost = [...acknowledged].filter(([index, text]) => stored.get(index) !== text);
    expect(lost).toEqual([]);

    const latest = parseCheckpoint(
      (await openNote(await (await fetch(`${second.url}/log/checkpoint`)).text(), [verifier])).text,
    );
    expect(latest.size).toBe(info.size);
    for (const old of checkpoints.values()) {
      const proof = (await (
        await fetch(`${second.url}/api/log/proof/consistency?from=${old.size}&to=${latest.size}`)
      ).json()) as { proof: string[] };
      verifyConsistency(
        old.size,
        latest.size,
        proof.proof.map(decodeBase64),
        old.rootHash,
        latest.rootHash,
      );
    }
  });
});
