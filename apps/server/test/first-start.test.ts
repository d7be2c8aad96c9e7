import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.ts';

describe('the first start on an empty data folder', () => {
  it('creates the cooperative and keeps its origin and name for the next start', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'allmende-first-')), 'data');
    const first = await startServer({
      dataDir,
      listen: '127.0.0.1:0',
      origin: 'genossenschaft.example/log',
      name: 'Beispiel eG',
    });
    const key = first.log.verifierKey;
    await first.close();
    expect((await stat(join(dataDir, 'log-key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dataDir, 'allmende.toml'), 'utf8')).toContain(
      'name = "Beispiel eG"',
    );

    const again = await startServer({ dataDir, listen: '127.0.0.1:0' });
    try {
      expect(again.log.origin).toBe('genossenschaft.example/log');
      expect(again.log.verifierKey).toBe(key);
      expect(again.log.size).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('refuses to serve a log that lost entries its checkpoints already covered', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'allmende-first-'));
    const server = await startServer({ dataDir, listen: '127.0.0.1:0' });
    for (const text of ['one', 'two', 'three']) {
      await server.log.append({ type: 'notice', actor: 'coop', body: { text } });
    }
    await server.close(); // publishes a checkpoint of 4 entries
    // History rewritten behind the server's back, as by a restored old backup of the entries.
    const sqlite = new DatabaseSync(join(dataDir, 'allmende.sqlite'));
    sqlite.exec('DELETE FROM log_entries WHERE idx >= 2');
    sqlite.close();
    await expect(startServer({ dataDir, listen: '127.0.0.1:0' })).rejects.toThrow(
      /signed a checkpoint of 4 entries but holds only 2/,
    );
  });

  it('refuses a data folder whose key file was damaged, naming the file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'allmende-first-'));
    await writeFile(join(dataDir, 'log-key'), 'not a key\n');
    await expect(startServer({ dataDir, listen: '127.0.0.1:0' })).rejects.toThrow(
      /log-key does not hold a note signer key/,
    );
  });
});
