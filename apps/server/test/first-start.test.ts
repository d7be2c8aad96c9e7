import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { leafHash } from '@allmende/tlog';
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

  it.each([
    [
      'a changed entry',
      "UPDATE log_entries SET entry = CAST('{}' AS BLOB) WHERE idx = 2",
      /entry 2 does not match its hash/,
    ],
    [
      'a changed tile',
      'UPDATE log_tiles SET hashes = zeroblob(length(hashes))',
      /entry 0 does not match its hash/,
    ],
  ])('refuses to serve a log with %s', async (_what, tamper, message) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'allmende-first-'));
    const server = await startServer({ dataDir, listen: '127.0.0.1:0' });
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'one' } });
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'two' } });
    await server.close();
    const sqlite = new DatabaseSync(join(dataDir, 'allmende.sqlite'));
    sqlite.exec(tamper);
    sqlite.close();
    await expect(startServer({ dataDir, listen: '127.0.0.1:0' })).rejects.toThrow(message);
  });

  it('refuses to serve a history rewritten consistently in entries and tiles', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'allmende-first-'));
    const server = await startServer({ dataDir, listen: '127.0.0.1:0' });
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'the truth' } });
    await server.close();
    // Another entry 1, and its hash in the tile: only the signed checkpoint can tell.
    const sqlite = new DatabaseSync(join(dataDir, 'allmende.sqlite'));
    const forged = new TextEncoder().encode('{"v":1}');
    const tile = sqlite.prepare('SELECT hashes FROM log_tiles WHERE level = 0').get() as {
      hashes: Uint8Array;
    };
    tile.hashes.set(leafHash(forged), 32);
    sqlite.prepare('UPDATE log_tiles SET hashes = ? WHERE level = 0').run(tile.hashes);
    sqlite.prepare('UPDATE log_entries SET entry = ? WHERE idx = 1').run(forged);
    sqlite.close();
    await expect(startServer({ dataDir, listen: '127.0.0.1:0' })).rejects.toThrow(
      /no longer hash to the root of its last signed checkpoint \(size 2\)/,
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
