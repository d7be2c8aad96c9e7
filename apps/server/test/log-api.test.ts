import {
  decodeBase64,
  leafHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@allmende/tlog';
import { ConsistencyProof, EntriesPage, InclusionProof, LogInfo } from '@allmende/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startServer, type RunningServer } from '../src/server.ts';
import { DIALECTS, createTestStore, eventually, type TestStore } from './harness.ts';

describe.each(DIALECTS)('the public log on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  const get = (path: string) => fetch(server.url + path);
  /** Replies are parsed by the protocol's schemas, as every client does. */
  const getJson = async <T>(path: string, schema: z.ZodType<T>): Promise<T> =>
    schema.parse(await (await get(path)).json());
  const notice = (body: unknown, token = server.adminToken, contentType = 'application/json') =>
    fetch(`${server.url}/api/log/notices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** The checkpoint as a client sees it: signature checked with the published key. */
  const checkpoint = async () => {
    const note = await (await get('/log/checkpoint')).text();
    const verifier = parseVerifierKey(server.log.verifierKey);
    const opened = await openNote(note, [verifier]);
    return { note, ...parseCheckpoint(opened.text) };
  };
  const checkpointOf = (size: number) =>
    eventually(async () => {
      const c = await checkpoint();
      return c.size >= size ? c : undefined;
    }, `a checkpoint of size ${size}`);

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      origin: 'coop.example/log',
    });
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('begins with the genesis statement naming the origin and the log key', async () => {
    const page = await getJson('/api/log/entries?start=0&limit=10', EntriesPage);
    expect(page.entries[0]?.index).toBe(0);
    expect(page.entries[0]?.statement).toMatchObject({
      type: 'coop.founded',
      actor: 'coop',
      body: { origin: 'coop.example/log', logKey: server.log.verifierKey },
    });
    const info = await getJson('/api/log/info', LogInfo);
    expect(info.origin).toBe('coop.example/log');
    expect(info.verifierKey).toMatch(/^coop\.example\/log\+[0-9a-f]{8}\+/);
  });

  it('appends notices durably and covers them with a signed checkpoint within a second', async () => {
    const before = server.log.size;
    const replies = await Promise.all(
      ['Willkommen bei der Genossenschaft ✓', 'second', 'third'].map((text) => notice({ text })),
    );
    const bodies = await Promise.all(replies.map((r) => r.json() as Promise<{ index: number }>));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(bodies.map((b) => b.index).sort()).toEqual([before, before + 1, before + 2]);
    const started = Date.now();
    const c = await checkpointOf(before + 3);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(c.origin).toBe('coop.example/log');

    const page = await getJson(`/api/log/entries?start=${before}&limit=3`, EntriesPage);
    expect(
      page.entries.map((e) => ('text' in e.statement.body ? e.statement.body.text : '')),
    ).toContain('Willkommen bei der Genossenschaft ✓');
    // The JSON reply carries the exact entry bytes; their leaf hash is what the tree holds.
    for (const e of page.entries)
      expect(e.leafHash).toBe(Buffer.from(leafHash(decodeBase64(e.entry))).toString('base64'));
  });

  it('signs no new checkpoint while the log is idle', async () => {
    await notice({ text: 'one more' });
    const covered = await checkpointOf(server.log.size);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await checkpoint()).note).toBe(covered.note);
  });

  it('proves every entry included in the checkpoint, and checkpoints consistent with each other', async () => {
    const first = await checkpoint();
    await Promise.all(Array.from({ length: 300 }, (_, i) => notice({ text: `notice ${i}` })));
    const second = await checkpointOf(first.size + 300);
    for (let index = 0; index < second.size; index += 7) {
      const proof = await getJson(`/api/log/proof/inclusion?index=${index}`, InclusionProof);
      expect(proof.size).toBe(second.size);
      verifyInclusion(
        decodeBase64(proof.leafHash),
        index,
        second.size,
        proof.proof.map(decodeBase64),
        second.rootHash,
      );
    }
    const consistency = await getJson(
      `/api/log/proof/consistency?from=${first.size}&to=${second.size}`,
      ConsistencyProof,
    );
    verifyConsistency(
      first.size,
      second.size,
      consistency.proof.map(decodeBase64),
      first.rootHash,
      second.rootHash,
    );
    // A proof for another entry's hash does not verify.
    const proof = await getJson('/api/log/proof/inclusion?index=3', InclusionProof);
    expect(() =>
      verifyInclusion(
        decodeBase64(proof.leafHash),
        4,
        second.size,
        proof.proof.map(decodeBase64),
        second.rootHash,
      ),
    ).toThrow();
  });

  it('serves C2SP tiles whose hashes match the entries, with the right caching', async () => {
    const { size } = await checkpointOf(300);
    const full = await get('/log/tile/0/000');
    expect(full.headers.get('content-type')).toBe('application/octet-stream');
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const hashes = new Uint8Array(await full.arrayBuffer());
    expect(hashes.length).toBe(256 * 32);
    const bundle = new Uint8Array(await (await get('/log/tile/entries/000')).arrayBuffer());
    const firstLength = (bundle[0]! << 8) | bundle[1]!;
    expect(hashes.subarray(0, 32)).toEqual(leafHash(bundle.subarray(2, 2 + firstLength)));

    const partial = await get(`/log/tile/0/001.p/${size - 256}`);
    expect(partial.status).toBe(200);
    expect((await partial.arrayBuffer()).byteLength).toBe((size - 256) * 32);
    const checkpointReply = await get('/log/checkpoint');
    expect(checkpointReply.headers.get('cache-control')).toBe('public, max-age=2');
    // Public data, checkable from any web page.
    expect(checkpointReply.headers.get('access-control-allow-origin')).toBe('*');
    expect(full.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses malformed requests with a clear error and writes nothing', async () => {
    const size = server.log.size;
    const cases: [Promise<Response>, number, string][] = [
      [notice({ text: 'x' }, 'wrong-token'), 401, 'UNAUTHORIZED'],
      [
        fetch(`${server.url}/api/log/notices`, {
          method: 'POST',
          body: '{"text":"x"}',
          headers: { 'content-type': 'application/json' },
        }),
        401,
        'UNAUTHORIZED',
      ],
      [notice({ text: '   ' }), 400, 'LOG_STATEMENT_INVALID'],
      [notice({ text: 'x'.repeat(10_001) }), 400, 'BAD_REQUEST'],
      [notice({ text: 'x', extra: 1 }), 400, 'BAD_REQUEST'],
      [notice({}), 400, 'BAD_REQUEST'],
      [notice('{"text": '), 400, 'BAD_REQUEST'],
      [
        notice('text=x', server.adminToken, 'application/x-www-form-urlencoded'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [notice({ text: 'y'.repeat(300_000) }), 413, 'BODY_TOO_LARGE'],
      [get('/log/tile/0/1'), 400, 'LOG_BAD_TILE_PATH'],
      [get('/log/tile/0/x001/000.p/0'), 400, 'LOG_BAD_TILE_PATH'],
      [get('/log/tile/0/000.p/256'), 400, 'LOG_BAD_TILE_PATH'],
      [get('/log/tile/99/000'), 400, 'LOG_BAD_TILE_PATH'],
      [get('/log/tile/0/../000'), 400, 'LOG_BAD_TILE_PATH'],
      [get('/log/tile/0/x999/999'), 404, 'LOG_TILE_NOT_FOUND'],
      [get('/log/tile/entries/x999/999'), 404, 'LOG_TILE_NOT_FOUND'],
      [get(`/api/log/proof/inclusion?index=0&size=${size + 1000}`), 400, 'LOG_SIZE_BEYOND_TREE'],
      [get('/api/log/proof/inclusion?index=-1'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index=1e400'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index=99999999999999999999'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index=abc'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index='), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index=0x1'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/inclusion?index=1.5'), 400, 'BAD_REQUEST'],
      [get('/api/log/proof/consistency?from=5&to=2'), 400, 'LOG_BAD_REQUEST'],
      [get('/api/log/entries?limit=100000'), 400, 'BAD_REQUEST'],
    ];
    for (const [response, status, code] of cases) {
      const r = await response;
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect({ url: r.url, status: r.status, code: body.error.code }).toEqual({
        url: r.url,
        status,
        code,
      });
      expect(body.error.message.length).toBeGreaterThan(5);
    }
    expect(server.log.size).toBe(size);
  });

  it('describes its API in OpenAPI and reports health and metrics', async () => {
    const openapi = await getJson(
      '/api/openapi.json',
      z.object({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
    );
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/log/info',
        '/api/log/entries',
        '/api/log/proof/inclusion',
        '/api/log/notices',
      ]),
    );
    expect((await getJson('/healthz', z.object({ status: z.string() }))).status).toBe('ok');
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^allmende_log_size \d+$/m);
    expect(metrics).toMatch(/^allmende_http_requests_total\{status="200"\} \d+$/m);
  });
});
