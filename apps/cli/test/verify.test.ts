import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeStatement, decodeStatement, isStatementProblem } from '@allmende/protocol';
import type { StatementDraft } from '@allmende/protocol';
import { startServer } from '@allmende/server';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  entryBundlesForSize,
  formatCheckpoint,
  generateNoteKeys,
  leafHash,
  parseSignerKey,
  signNote,
  tilePath,
  tilesForSize,
  treeHash,
} from '@allmende/tlog';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBundle } from '../src/verify/bundle-check.ts';
import { BundleChecker } from '../src/verify/bundle-checker.ts';
import { runVerifyCommand } from '../src/verify/command.ts';
import { checkStatement } from '../src/verify/statement-check.ts';
import { defaultCacheDir } from '../src/verify/tile-cache.ts';
import { fastLeafHash, fullTileRoot } from '../src/verify/tile-hash.ts';
import {
  VerifyError,
  entryBundles,
  upperTiles,
  verifyLog,
  type VerifyOptions,
} from '../src/verify/verify-log.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

const folders: string[] = [];
const servers: Server[] = [];

async function folder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `allmende-verify-${prefix}-`));
  folders.push(dir);
  return dir;
}

/** A stand-in for the built web app, so that the server answers unknown pages with HTML. */
async function webApp(): Promise<string> {
  const dir = await folder('web');
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Allmende</title>');
  return dir;
}

async function start(dataDir: string): Promise<Server> {
  const server = await startServer({ dataDir, listen: '127.0.0.1:0', webRoot: await webApp() });
  servers.push(server);
  return server;
}

async function stop(server: Server): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await server.close();
}

/** Appends notices in-process until the log holds `size` entries under a checkpoint. */
async function growTo(server: Server, size: number, label = 'notice'): Promise<void> {
  const appends: Promise<unknown>[] = [];
  for (let i = server.log.size; i < size; i++) {
    appends.push(
      server.log.append({ type: 'notice', actor: 'coop', body: { text: `${label} ${i}` } }),
    );
  }
  await Promise.all(appends);
  while (server.log.checkpoint.size < size) await new Promise((r) => setTimeout(r, 20));
}

async function rejection(promise: Promise<unknown>): Promise<VerifyError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof VerifyError))
    throw new Error(`expected a VerifyError, got ${String(error)}`);
  return error;
}

function requestUrl(input: string | URL | Request): URL {
  return new URL(input instanceof Request ? input.url : input);
}

/** A fetch that passes through to the real server but lets `alter` change response bodies. */
function tampering(alter: (path: string, body: Uint8Array) => Uint8Array | string): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const path = requestUrl(input).pathname.replace(/^\/log\//, '');
    const body = new Uint8Array(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(asBody(response.ok ? alter(path, body) : body), {
      status: response.status,
      headers,
    });
  };
}

function asBody(body: Uint8Array | string): BodyInit {
  return typeof body === 'string' ? body : new Uint8Array(body);
}

function flipByte(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[offset]! ^= 0x01;
  return copy;
}

/** Byte offset of entry `i`'s first content byte in an entry bundle. */
function entryOffset(bundle: Uint8Array, i: number): number {
  let offset = 0;
  for (let k = 0; k < i; k++) offset += 2 + ((bundle[offset]! << 8) | bundle[offset + 1]!);
  return offset + 2;
}

/**
 * A log that exists only in a Map: the tiles and bundles of `entries` built with
 * @allmende/tlog, and a checkpoint signed with `signerKey`. For logs no honest server writes.
 */
async function fakeLog(
  entries: readonly Uint8Array[],
  signerKey: string,
): Promise<{ files: Map<string, Uint8Array | string>; checkpoint: string; fetch: typeof fetch }> {
  const files = new Map<string, Uint8Array | string>();
  const leaves = entries.map(leafHash);
  for (const { index, width } of entryBundlesForSize(entries.length)) {
    files.set(
      entriesPath(index, width),
      encodeEntryBundle(entries.slice(index * 256, index * 256 + width)),
    );
  }
  for (const tile of tilesForSize(entries.length)) {
    const span = 256 ** tile.level;
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < tile.width; i++) {
      const first = (tile.index * 256 + i) * span;
      hashes.push(treeHash(leaves.slice(first, first + span)));
    }
    files.set(tilePath(tile), Buffer.concat(hashes));
  }
  const signer = await parseSignerKey(signerKey);
  const checkpoint = await signNote(
    formatCheckpoint({ origin: signer.name, size: entries.length, rootHash: treeHash(leaves) }),
    signer,
  );
  files.set('checkpoint', checkpoint);
  const fetchFake: typeof fetch = (input) => {
    const body = files.get(requestUrl(input).pathname.replace(/^\/log\//, ''));
    return Promise.resolve(
      body === undefined ? new Response('not found', { status: 404 }) : new Response(asBody(body)),
    );
  };
  return { files, checkpoint, fetch: fetchFake };
}

function notices(count: number, label: string): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    statementBytes({ type: 'notice', actor: 'coop', body: { text: `${label} ${i}` } }, i),
  );
}

function statementBytes(draft: StatementDraft, i = 0): Uint8Array {
  const bytes = encodeStatement({
    v: 1,
    time: new Date(Date.UTC(2025, 0, 1) + i).toISOString(),
    ...draft,
  });
  if (isStatementProblem(bytes)) throw new Error(bytes.message);
  return bytes;
}

class Captured {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('allmende log verify against a running server', () => {
  // 3·256 + 17 entries: full and partial bundles and level-0 tiles, and a partial level-1 tile.
  const FIRST_SIZE = 256 * 3 + 17;
  let server: Server;
  let url: string;
  let key: string;
  let firstCheckpoint: string;
  const options = async (more: Partial<VerifyOptions> = {}): Promise<VerifyOptions> => ({
    url,
    verifierKey: key,
    cacheDir: await folder('cache'),
    ...more,
  });

  beforeAll(async () => {
    server = await start(await folder('data'));
    await growTo(server, FIRST_SIZE);
    url = `${server.url}/log`;
    key = server.log.verifierKey;
  });

  it('verifies every entry and tile, then a grown log from the cache, consistent with the first run', async () => {
    const cacheDir = await folder('cache');
    const progress: [number, number][] = [];
    const first = await verifyLog({
      url,
      verifierKey: key,
      cacheDir,
      progress: (done, total) => progress.push([done, total]),
    });
    const info = (await (await fetch(`${server.url}/api/log/info`)).json()) as {
      rootHash: string;
    };
    expect(first).toMatchObject({
      origin: 'localhost/log',
      size: FIRST_SIZE,
      rootHash: info.rootHash,
      entriesChecked: FIRST_SIZE,
      // the checkpoint, 4 bundles, 4 level-0 tiles and tile 1/0.p/3
      downloaded: { files: 10 },
      cached: { files: 0, bytes: 0 },
      consistency: [],
      cacheDir,
      savedCheckpoint: join(cacheDir, 'checkpoint'),
      warnings: [],
    });
    expect(progress.at(-1)).toEqual([FIRST_SIZE, FIRST_SIZE]);
    expect(progress.every(([done], i) => i === 0 || done > progress[i - 1]![0])).toBe(true);
    firstCheckpoint = first.checkpoint;
    expect(await readFile(join(cacheDir, 'checkpoint'), 'utf8')).toBe(first.checkpoint);
    // Full tiles are kept under their tlog-tiles paths; partial ones are not.
    expect((await readFile(join(cacheDir, 'tile/entries/002'))).length).toBeGreaterThan(256 * 2);
    expect((await readFile(join(cacheDir, 'tile/0/002'))).length).toBe(256 * 32);
    await expect(readFile(join(cacheDir, 'tile/0/003.p/17'))).rejects.toThrow('ENOENT');

    await growTo(server, 256 * 4 + 61);
    const second = await verifyLog({ url, verifierKey: key, cacheDir, previous: firstCheckpoint });
    expect(second).toMatchObject({
      size: 256 * 4 + 61,
      entriesChecked: 256 * 4 + 61,
      // bundles 0-2 and tiles 0/0-0/2 come from the cache; the checkpoint, bundle 3, tile 0/3
      // and the partial 4.p/61, 0/4.p/61 and 1/0.p/4 are new.
      cached: { files: 6 },
      downloaded: { files: 6 },
      consistency: [
        { against: 'previous', size: FIRST_SIZE },
        { against: 'cache', size: FIRST_SIZE },
      ],
    });
  });

  it('prints a summary, saves the checkpoint for the next run and draws a progress bar on a terminal', async () => {
    const cache = await folder('cache');
    const stdout = new Captured();
    const stderr = new Captured(true);
    expect(await runVerifyCommand({ url, key, cache }, { stdout, stderr })).toBe(0);
    expect(stdout.text).toContain(`Verified the log localhost/log at ${url}`);
    expect(stdout.text).toMatch(/checkpoint {2}size [\d,]+, root hash \S+=, signature valid/);
    expect(stdout.text).toContain('no earlier checkpoint in the cache: this is the first run');
    expect(stdout.text).toContain(`saved       ${join(cache, 'checkpoint')}`);
    expect(stderr.text).toMatch(/\r\[█+\] 100% {2}[\d,]+ \/ [\d,]+ entries/);

    const previous = join(await folder('previous'), 'checkpoint');
    await writeFile(previous, firstCheckpoint);
    const again = new Captured();
    const quiet = new Captured(false);
    expect(
      await runVerifyCommand({ url, key, cache, previous }, { stdout: again, stderr: quiet }),
    ).toBe(0);
    expect(again.text).toContain(
      `consistent  with the previous checkpoint ${previous} (size ${FIRST_SIZE})`,
    );
    expect(again.text).toMatch(
      /consistent {2}with the checkpoint verified last time \(from the cache\)/,
    );
    expect(again.text).toMatch(/downloaded {2}\d+ files .*; from the cache [1-9]\d* files/);
    expect(quiet.text).toBe('');
  });

  it('fails with exit code 1 and names the problem; 2 for input it cannot use', async () => {
    const other = await generateNoteKeys('localhost/log');
    const stdout = new Captured();
    const stderr = new Captured();
    const cache = await folder('cache');
    expect(await runVerifyCommand({ url, key: other.verifierKey, cache }, { stdout, stderr })).toBe(
      1,
    );
    expect(stderr.text).toMatch(/^allmende log verify: FAILED: checkpoint signature invalid/);
    expect(stdout.text).toBe('');

    const bad = new Captured();
    expect(await runVerifyCommand({ url, key: 'not-a-key', cache }, { stdout, stderr: bad })).toBe(
      2,
    );
    expect(bad.text).toContain('invalid verifier key: malformed verifier key');

    const missing = new Captured();
    const previous = join(cache, 'no-such-file');
    expect(await runVerifyCommand({ url, key, cache, previous }, { stdout, stderr: missing })).toBe(
      2,
    );
    expect(missing.text).toContain(`cannot read --previous ${previous}`);
  });

  it('refuses a checkpoint signed by another key, or by a key of another name', async () => {
    const sameName = await generateNoteKeys('localhost/log');
    expect(
      (await rejection(verifyLog(await options({ verifierKey: sameName.verifierKey })))).message,
    ).toMatch(
      /^checkpoint signature invalid: note has no signature by a known key \(localhost\/log\+[0-9a-f]{8}\)$/,
    );
    const otherName = await generateNoteKeys('other.example/log');
    expect(
      (await rejection(verifyLog(await options({ verifierKey: otherName.verifierKey })))).message,
    ).toMatch(/^checkpoint signature invalid/);
  });

  it('catches a flipped byte in an entry bundle', async () => {
    const error = await rejection(
      verifyLog(
        await options({
          fetch: tampering((path, body) =>
            path === 'tile/entries/001' ? flipByte(body, entryOffset(body, 44) + 20) : body,
          ),
        }),
      ),
    );
    expect(error.message).toBe('entry 300: leaf hash does not match tile 0/1 hash 44');
    expect(error.code).toBe('VERIFY_MISMATCH');
  });

  it('catches a flipped byte in a level-0 and in a level-1 hash tile', async () => {
    const level0 = await rejection(
      verifyLog(
        await options({
          fetch: tampering((path, body) =>
            path === 'tile/0/002' ? flipByte(body, 7 * 32 + 3) : body,
          ),
        }),
      ),
    );
    expect(level0.message).toBe('entry 519: leaf hash does not match tile 0/2 hash 7');

    const level1 = await rejection(
      verifyLog(
        await options({
          fetch: tampering((path, body) =>
            path.startsWith('tile/1/000.p/') ? flipByte(body, 32 + 31) : body,
          ),
        }),
      ),
    );
    expect(level1.message).toMatch(/^tile 1\/0\.p\/\d+: hash 1 is not the root of tile 0\/1$/);
  });

  it('catches a checkpoint that was altered, truncated or is missing', async () => {
    const altered = await rejection(
      verifyLog(
        await options({
          fetch: tampering((path, body) =>
            path === 'checkpoint'
              ? Buffer.from(body)
                  .toString()
                  .replace(/\n\d+\n/, '\n5\n')
              : body,
          ),
        }),
      ),
    );
    expect(altered.message).toBe(
      'checkpoint signature invalid: note has an invalid signature by a known key (' +
        `${key.split('+').slice(0, 2).join('+')})`,
    );
    const truncated = await rejection(
      verifyLog(
        await options({
          fetch: tampering((path, body) => (path === 'checkpoint' ? body.subarray(0, 20) : body)),
        }),
      ),
    );
    expect(truncated.message).toMatch(/^checkpoint is not a signed note: /);

    const missing = await rejection(verifyLog(await options({ url: `${server.url}/api/nolog` })));
    expect(missing.message).toBe(
      `checkpoint: GET ${server.url}/api/nolog/checkpoint answered 404 Not Found`,
    );
    expect(missing.code).toBe('VERIFY_NETWORK');
    const page = await rejection(verifyLog(await options({ url: server.url })));
    expect(page.message).toBe(
      `checkpoint: ${server.url}/checkpoint is a web page, not a checkpoint; is ${server.url} the URL of the log (for Allmende, the server's address followed by /log)?`,
    );
  });

  it('says so when the server cannot be reached', async () => {
    const gone = await start(await folder('data'));
    const goneUrl = gone.url;
    await stop(gone);
    const error = await rejection(verifyLog(await options({ url: `${goneUrl}/log` })));
    expect(error.message).toMatch(
      new RegExp(`^checkpoint: cannot GET ${goneUrl}/log/checkpoint: .*ECONNREFUSED`),
    );
  });

  it('does not trust its cache: damaged files are detected, not used', async () => {
    const cacheDir = await folder('cache');
    await verifyLog({ url, verifierKey: key, cacheDir });

    const bundle = join(cacheDir, 'tile/entries/001');
    const pristine = await readFile(bundle);
    await writeFile(bundle, flipByte(pristine, entryOffset(pristine, 3) + 10));
    const flipped = await rejection(verifyLog({ url, verifierKey: key, cacheDir }));
    expect(flipped.message).toBe(
      `entry 259: leaf hash does not match tile 0/1 hash 3 (entry bundle 1 and tile 0/1 read from the cache ${cacheDir}: either the log changed what it had published, or the copy there is damaged; delete that folder to download it again)`,
    );
    await writeFile(bundle, pristine);

    await truncate(join(cacheDir, 'tile/0/000'), 100);
    const short = await rejection(verifyLog({ url, verifierKey: key, cacheDir }));
    expect(short.message).toMatch(
      /^tile 0\/0: 100 bytes, expected 256 hashes of 32 bytes \(tile 0\/0 read from the cache/,
    );
    await rm(join(cacheDir, 'tile/0/000'));
    await verifyLog({ url, verifierKey: key, cacheDir });

    const saved = join(cacheDir, 'checkpoint');
    await writeFile(saved, (await readFile(saved, 'utf8')).replace(/\n\d+\n/, '\n3\n'));
    const forged = await rejection(verifyLog({ url, verifierKey: key, cacheDir }));
    expect(forged.message).toBe(
      `the checkpoint verified last time (${saved}) signature invalid: note has an invalid signature by a known key (${key.split('+').slice(0, 2).join('+')})`,
    );
  });

  it('places the default cache under $XDG_CACHE_HOME or ~/.cache, one folder per URL', () => {
    const a = defaultCacheDir('http://127.0.0.1:8080/log', { XDG_CACHE_HOME: '/var/cache/me' });
    expect(a).toMatch(/^\/var\/cache\/me\/allmende\/verify\/127\.0\.0\.1_8080_log-[0-9a-f]{8}$/);
    expect(defaultCacheDir('https://coop.example/log', {})).toMatch(
      /\/\.cache\/allmende\/verify\/coop\.example_log-[0-9a-f]{8}$/,
    );
    expect(defaultCacheDir('https://coop.example/log', {})).not.toBe(
      defaultCacheDir('http://coop.example/log', {}),
    );
  });
});

describe('allmende log verify against a log that forks', () => {
  it('fails when the server shows a history that does not extend an earlier checkpoint', async () => {
    // Two servers from copies of one data folder: same key, same first 300 entries, then each
    // its own history — the fork a split-view attack produces.
    const original = await folder('data');
    const a = await start(original);
    await growTo(a, 300);
    await stop(a);
    const copy = await folder('data');
    await cp(original, copy, { recursive: true });
    const left = await start(original);
    const right = await start(copy);
    await growTo(left, 310, 'left');
    await growTo(right, 320, 'right');
    const key = left.log.verifierKey;
    expect(right.log.verifierKey).toBe(key);

    // The right side's checkpoint given as --previous.
    const rightRun = await verifyLog({
      url: `${right.url}/log`,
      verifierKey: key,
      cacheDir: await folder('cache'),
    });
    const bigger = await rejection(
      verifyLog({
        url: `${left.url}/log`,
        verifierKey: key,
        cacheDir: await folder('cache'),
        previous: rightRun.checkpoint,
      }),
    );
    expect(bigger.message).toBe(
      'previous checkpoint (size 320) is larger than this one (size 310): the log shrank',
    );
    await growTo(left, 330, 'left');
    const forked = await rejection(
      verifyLog({
        url: `${left.url}/log`,
        verifierKey: key,
        cacheDir: await folder('cache'),
        previous: rightRun.checkpoint,
      }),
    );
    expect(forked.message).toMatch(
      /^previous checkpoint \(size 320\) is not consistent with this one \(size 330\): the first 320 entries of the log hash to \S+, not \S+; the log forked or was rewritten$/,
    );
    expect(forked.code).toBe('VERIFY_INCONSISTENT');

    // The same URL showing first one side, then the other: caught through the cache alone.
    let target = right.url;
    const switching: typeof fetch = (input, init) =>
      fetch(`${target}${requestUrl(input).pathname}`, init);
    const cacheDir = await folder('cache');
    await verifyLog({ url: 'http://coop.test/log', verifierKey: key, cacheDir, fetch: switching });
    target = left.url;
    const split = await rejection(
      verifyLog({ url: 'http://coop.test/log', verifierKey: key, cacheDir, fetch: switching }),
    );
    expect(split.message).toMatch(
      new RegExp(
        `^the checkpoint verified last time \\(${join(cacheDir, 'checkpoint')}\\) \\(size 320\\) is not consistent with this one \\(size 330\\)`,
      ),
    );
  });
});

describe('allmende log verify against hand-built logs', () => {
  let signerKey: string;
  let verifierKey: string;
  beforeAll(async () => {
    ({ signerKey, verifierKey } = await generateNoteKeys('fake.example/log'));
  });
  const run = async (log: { fetch: typeof fetch }, previous?: string) =>
    verifyLog({
      url: 'http://fake.example/log',
      verifierKey,
      fetch: log.fetch,
      previous,
      cacheDir: await folder('cache'),
    });

  it('verifies a log whose entries are all valid, including the empty log', async () => {
    expect((await run(await fakeLog(notices(300, 'a'), signerKey))).size).toBe(300);
    const empty = await fakeLog([], signerKey);
    expect((await run(empty)).size).toBe(0);
  });

  it('refuses entries that are not valid statements, even with matching hashes', async () => {
    const entries = notices(40, 'a');
    entries[5] = new TextEncoder().encode('not json');
    expect((await rejection(run(await fakeLog(entries, signerKey)))).message).toBe(
      'entry 5: not a valid statement (not-json): the entry is not UTF-8 JSON',
    );
    const spaced = notices(40, 'a');
    spaced[7] = new TextEncoder().encode(new TextDecoder().decode(spaced[7]).replace(':', ': '));
    const error = await rejection(run(await fakeLog(spaced, signerKey)));
    expect(error.message).toBe(
      'entry 7: not a valid statement (not-canonical): the entry is not canonical JSON (RFC 8785)',
    );
    expect(error.code).toBe('VERIFY_BAD_ENTRY');
    const unknown = notices(3, 'a');
    unknown[2] = new TextEncoder().encode(
      '{"actor":"coop","body":{},"time":"2025-01-01T00:00:00.000Z","type":"coop.dissolved","v":1}',
    );
    expect((await rejection(run(await fakeLog(unknown, signerKey)))).message).toMatch(
      /^entry 2: not a valid statement \(invalid\): /,
    );
  });

  it('refuses a signed checkpoint whose root hash the tiles do not give', async () => {
    const log = await fakeLog(notices(20, 'a'), signerKey);
    const other = await fakeLog(notices(20, 'b'), signerKey);
    log.files.set('checkpoint', other.checkpoint);
    expect((await rejection(run(log))).message).toMatch(
      /^checkpoint: root hash mismatch: the tiles hash to \S+=, the checkpoint says \S+=$/,
    );
  });

  it('refuses a checkpoint whose origin is not the key name', async () => {
    const log = await fakeLog(notices(3, 'a'), signerKey);
    const signer = await parseSignerKey(signerKey);
    log.files.set(
      'checkpoint',
      await signNote(
        formatCheckpoint({
          origin: 'elsewhere.example/log',
          size: 3,
          rootHash: treeHash(notices(3, 'a').map(leafHash)),
        }),
        signer,
      ),
    );
    expect((await rejection(run(log))).message).toBe(
      'checkpoint: origin "elsewhere.example/log" is not the key name "fake.example/log"',
    );
  });

  it('checks consistency with a previous checkpoint of equal, smaller and zero size', async () => {
    const entries = notices(600, 'a');
    const log = await fakeLog(entries, signerKey);
    for (const size of [0, 1, 255, 256, 257, 511, 512, 599, 600]) {
      const earlier = await fakeLog(entries.slice(0, size), signerKey);
      expect((await run(log, earlier.checkpoint)).consistency).toMatchObject([
        { against: 'previous', size },
      ]);
    }
    const fork = await fakeLog([...entries.slice(0, 100), ...notices(10, 'fork')], signerKey);
    expect((await rejection(run(log, fork.checkpoint))).message).toMatch(
      /^previous checkpoint \(size 110\) is not consistent with this one \(size 600\)/,
    );
  });

  it('hands every entry to onEntries once, in log order, though bundles finish out of order', async () => {
    const entries = notices(256 * 20 + 7, 'ordered');
    const log = await fakeLog(entries, signerKey);
    // Bundle 0 answers last, so every other bundle is checked before it.
    const slowFirst: typeof fetch = async (input, init) => {
      if (requestUrl(input).pathname.endsWith('/tile/entries/000')) {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return log.fetch(input, init);
    };
    const seen: number[] = [];
    const report = await verifyLog({
      url: 'http://fake.example/log',
      verifierKey,
      fetch: slowFirst,
      cacheDir: await folder('cache'),
      threads: 2,
      onEntries: (batch) => {
        for (const { index, bytes } of batch) {
          expect(Buffer.from(bytes).equals(entries[index]!)).toBe(true);
          seen.push(index);
        }
      },
    });
    expect(report.entriesChecked).toBe(entries.length);
    expect(seen).toEqual(entries.map((_, i) => i));
  });

  it('with verifiedBefore, fetches and hands over only what came after it', async () => {
    const entries = notices(256 * 3 + 10, 'grown');
    const before = await fakeLog(entries.slice(0, 256 * 2 + 5), signerKey);
    const log = await fakeLog(entries, signerKey);
    const fetched: string[] = [];
    const counting: typeof fetch = (input, init) => {
      fetched.push(requestUrl(input).pathname.replace(/^\/log\//, ''));
      return log.fetch(input, init);
    };
    const seen: number[] = [];
    const options = {
      url: 'http://fake.example/log',
      verifierKey,
      fetch: counting,
      cacheDir: await folder('cache'),
      verifiedBefore: before.checkpoint,
      onEntries: (batch: readonly { index: number }[]) => {
        seen.push(...batch.map((e) => e.index));
      },
    };
    const report = await verifyLog(options);
    expect(seen).toEqual(entries.map((_, i) => i).slice(256 * 2 + 5));
    expect(report.entriesChecked).toBe(entries.length - 256 * 2);
    expect(report.consistency).toMatchObject([{ against: 'before', size: 256 * 2 + 5 }]);
    // Bundles 0 and 1 are tied to the earlier root and not fetched.
    expect(fetched.filter((path) => path.startsWith('tile/entries/')).sort()).toEqual([
      'tile/entries/002',
      'tile/entries/003.p/10',
    ]);

    // The same checkpoint again: nothing but the checkpoint is fetched.
    fetched.length = 0;
    seen.length = 0;
    const same = await verifyLog({ ...options, verifiedBefore: log.checkpoint });
    expect(same.entriesChecked).toBe(0);
    expect(fetched).toEqual(['checkpoint']);
    expect(seen).toEqual([]);

    // Another history with the same entries after it: the earlier root does not come out.
    const forked = await fakeLog(
      [...notices(256 * 2 + 5, 'other'), ...entries.slice(256 * 2 + 5)],
      signerKey,
    );
    const error = await rejection(
      verifyLog({ ...options, fetch: forked.fetch, cacheDir: await folder('cache') }),
    );
    expect(error.code).toBe('VERIFY_INCONSISTENT');
    expect(error.message).toMatch(
      /^the checkpoint verified before \(size 517\) is not consistent with this one \(size 778\): the first 517 entries/,
    );
    // Two checkpoints of one size with different roots: a fork, without a download.
    const sameSize = await fakeLog(notices(256 * 2 + 5, 'other'), signerKey);
    const quick = await rejection(
      verifyLog({ ...options, fetch: sameSize.fetch, cacheDir: await folder('cache') }),
    );
    expect(quick.message).toMatch(
      /^the checkpoint verified before \(size 517\) is not consistent with this one \(size 517\): it has the root hash /,
    );
  });

  it('ends with a clear message when a checkpoint claims more entries than the log serves', async () => {
    const log = await fakeLog(notices(3, 'a'), signerKey);
    const signer = await parseSignerKey(signerKey);
    const size = Number.MAX_SAFE_INTEGER;
    log.files.set(
      'checkpoint',
      await signNote(
        formatCheckpoint({ origin: signer.name, size, rootHash: new Uint8Array(32) }),
        signer,
      ),
    );
    expect((await rejection(run(log))).message).toMatch(
      /^tile \d+\/\d+: GET http:\/\/fake\.example\/log\/tile\/\S+ answered 404 Not Found$/,
    );
  });

  it('crosses 65,536 entries: level-2 tiles are checked against full level-1 tiles', async () => {
    const entries = notices(65_536 + 300, 'big');
    const log = await fakeLog(entries, signerKey);
    const report = await run(
      log,
      (await fakeLog(entries.slice(0, 65_536 + 1), signerKey)).checkpoint,
    );
    expect(report.size).toBe(65_836);
    const tile = tilePath({ level: 1, index: 0, width: 256 });
    log.files.set(tile, flipByte(log.files.get(tile) as Uint8Array, 5 * 32));
    expect((await rejection(run(log))).message).toBe(
      'tile 2/0.p/1: hash 0 is not the root of tile 1/0',
    );
  });
});

describe('the fast paths of log verify agree with the protocol and the tlog library', () => {
  it('hashes leaves and full tiles as @allmende/tlog does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (entry) => {
        expect(new Uint8Array(fastLeafHash(entry))).toEqual(leafHash(entry));
      }),
    );
    const hashes = notices(256, 'x').map(leafHash);
    expect(new Uint8Array(fullTileRoot(Buffer.concat(hashes)))).toEqual(treeHash(hashes));
    const bundle = encodeEntryBundle(notices(3, 'y'));
    expect(decodeEntryBundle(bundle, 3)).toHaveLength(3);
  });

  it('lists the tiles and bundles of a tree as @allmende/tlog does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(70_000), fc.constantFrom(0, 255, 256, 65_535, 65_536, 16_777_216 + 5)),
        (size) => {
          expect([...upperTiles(size)]).toEqual(
            tilesForSize(size).filter((tile) => tile.level > 0),
          );
          expect([...entryBundles(size)]).toEqual(entryBundlesForSize(size));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('checks bundles on a worker thread exactly as on the calling thread', async () => {
    const entries = notices(256, 'w');
    const leaves = entries.map(leafHash);
    const job = {
      index: 3,
      width: 256,
      entries: encodeEntryBundle(entries),
      tile: Buffer.concat(leaves),
      parentHash: treeHash(leaves),
      names: { entries: 'entry bundle 3', tile: 'tile 0/3', parent: 'tile 1/0' },
    };
    const checker = new BundleChecker(1);
    try {
      expect(await checker.check(job)).toBeUndefined();
      expect(checker.threads).toBe(1);
      const bad = [
        { ...job, tile: flipByte(job.tile, 40 * 32) },
        { ...job, parentHash: flipByte(job.parentHash, 0) },
        { ...job, entries: job.entries.subarray(1) },
        { ...job, width: 255 },
      ];
      const problems = await Promise.all(bad.map((b) => checker.check(b)));
      expect(problems).toEqual(bad.map(checkBundle));
      expect(problems.map((p) => p?.message)).toEqual([
        'entry 808: leaf hash does not match tile 0/3 hash 40',
        'tile 1/0: hash 3 is not the root of tile 0/3',
        'entry bundle 3: entry bundle ends inside an entry',
        'tile 0/3: 8192 bytes, expected 255 hashes of 32 bytes',
      ]);
      expect(checker.threads).toBe(1);
    } finally {
      await checker.close();
    }
  });

  it('accepts and refuses exactly the entries decodeStatement does, with its messages', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    const jsonish = fc.oneof(
      fc.constantFrom(
        '{"v":1}',
        '\u00e9',
        '\\u00e9',
        '"\\ud800"',
        ' ',
        '1e999',
        '-0',
        '{"a":1,"a":2}',
        '{"10":1,"9":2}',
      ),
      text,
    );
    const valid = notices(1, 'base')[0]!;
    const base = new TextDecoder().decode(valid);
    const variant = fc.oneof(
      fc
        .tuple(fc.nat(base.length), fc.nat(base.length), jsonish)
        .map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(Math.max(at, cut))),
      fc.json(),
      text.map((t) => base.replace('base 0', t)),
    );
    fc.assert(
      fc.property(variant, (candidate) => {
        const bytes = new TextEncoder().encode(candidate);
        let expected: unknown;
        try {
          const decoded = decodeStatement(bytes);
          expected = isStatementProblem(decoded) ? decoded : undefined;
        } catch (error) {
          expected = { reason: 'not-canonical', message: (error as Error).message };
        }
        expect(checkStatement(bytes)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
    expect(checkStatement(valid)).toBeUndefined();
    expect(
      checkStatement(
        statementBytes({ type: 'notice', actor: 'coop', body: { text: 'a\u0001\u2028"\\é😀' } }),
      ),
    ).toBeUndefined();
  });
});
