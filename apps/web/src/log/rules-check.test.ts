import { encodeStatement, isStatementProblem, type Statement } from '@allmende/protocol';
import { TILE_WIDTH, encodeEntryBundle, entriesPath, leafHash, treeHash } from '@allmende/tlog';
import { describe, expect, it } from 'vitest';
import { draft, genesisStatement, signedBy, testMember } from '../../../../test/support/members.ts';
import { RulesChecker, type RulesProgress } from './rules-check.ts';

const ada = testMember('ada');

function notice(i: number): Statement {
  return {
    v: 1,
    time: '2026-11-26T12:00:01.000Z',
    actor: 'coop',
    type: 'notice',
    body: { text: `notice ${i}` },
  };
}

function bytesOf(statement: Statement): Uint8Array {
  const bytes = encodeStatement(statement);
  if (isStatementProblem(bytes)) throw new Error(bytes.message);
  return bytes;
}

/** A log served as C2SP entry bundles, with the fetches made, for a checker to read. */
function servedLog(entries: Uint8Array[]) {
  const fetched: string[] = [];
  const bundles = new Map<string, Uint8Array>();
  const serve = (size: number) => {
    for (let first = 0; first < size; first += TILE_WIDTH) {
      const width = Math.min(TILE_WIDTH, size - first);
      const path = entriesPath(first / TILE_WIDTH, width);
      bundles.set(path, encodeEntryBundle(entries.slice(first, first + width)));
    }
  };
  const checker = new RulesChecker(
    (path) => {
      fetched.push(path);
      const bundle = bundles.get(path);
      return bundle ? Promise.resolve(bundle) : Promise.reject(new Error(`HTTP 404 ${path}`));
    },
    () => Promise.resolve(),
  );
  const target = (size: number) => {
    serve(size);
    return { size, rootHash: treeHash(entries.slice(0, size).map((e) => leafHash(e))) };
  };
  return { checker, fetched, bundles, target };
}

const genesis = bytesOf(genesisStatement({ founders: [ada] }));
const notices = Array.from({ length: 299 }, (_, i) => bytesOf(notice(i + 1)));

describe('the rules check of the log page', () => {
  it('replays every entry up to the checkpoint, bundle by bundle, and finds the rules kept', async () => {
    const log = servedLog([genesis, ...notices]);
    const progress: RulesProgress[] = [];
    const outcome = await log.checker.advance(log.target(300), (p) => progress.push(p));
    expect(outcome).toEqual({ kind: 'checked', size: 300, violations: [] });
    expect(progress).toEqual([
      { checked: 256, total: 300 },
      { checked: 300, total: 300 },
    ]);
    expect(log.fetched).toEqual(['tile/entries/000', 'tile/entries/001.p/44']);
  });

  it('checks only what a newer checkpoint adds', async () => {
    const log = servedLog([genesis, ...notices]);
    expect((await log.checker.advance(log.target(100))).kind).toBe('checked');
    log.fetched.length = 0;
    const outcome = await log.checker.advance(log.target(300));
    expect(outcome).toEqual({ kind: 'checked', size: 300, violations: [] });
    expect(log.fetched).toEqual(['tile/entries/000', 'tile/entries/001.p/44']);
    log.fetched.length = 0;
    expect(await log.checker.advance(log.target(300))).toMatchObject({ kind: 'checked' });
    expect(log.fetched).toEqual([]);
  });

  it('names every entry that breaks a rule, with the rule', async () => {
    const entries = [genesis, ...notices.slice(0, 9)];
    entries[4] = bytesOf(genesisStatement({ founders: [ada] }));
    // Ada leaves, says the server, signed by someone who is no member.
    const forged = await signedBy(
      draft('member.left', 'ada', { handle: 'ada' }),
      'coop.test/log',
      testMember('eve'),
    );
    entries[7] = bytesOf({ ...forged, time: '2026-11-26T12:00:02.000Z' });
    const log = servedLog(entries);
    const outcome = await log.checker.advance(log.target(10));
    expect(outcome.kind).toBe('checked');
    if (outcome.kind !== 'checked') return;
    expect(outcome.violations.map((v) => [v.index, v.rule])).toEqual([
      [4, 'statement.genesis'],
      [7, 'signature.unknown-signer'],
      [7, 'consent.actor'],
    ]);
  });

  it('counts nothing when the entries are not those the checkpoint signs', async () => {
    const entries = [genesis, ...notices.slice(0, 9)];
    const log = servedLog(entries);
    const target = log.target(10);
    // The server hands out a different history than the one under its checkpoint.
    log.bundles.set(
      entriesPath(0, 10),
      encodeEntryBundle([genesis, ...notices.slice(0, 8), bytesOf(notice(99))]),
    );
    expect(await log.checker.advance(target)).toEqual({
      kind: 'failed',
      problem: { kind: 'root-mismatch', size: 10 },
    });
    // And starts again from the genesis once the right entries are served.
    log.bundles.set(entriesPath(0, 10), encodeEntryBundle(entries));
    log.fetched.length = 0;
    expect(await log.checker.advance(target)).toMatchObject({ kind: 'checked', size: 10 });
    expect(log.fetched).toEqual(['tile/entries/000.p/10']);
  });

  it('reports an entry that is no statement, a malformed bundle and a failed fetch', async () => {
    const broken = servedLog([genesis, new TextEncoder().encode('{"not":"a statement"}')]);
    expect(await broken.checker.advance(broken.target(2))).toMatchObject({
      kind: 'failed',
      problem: { kind: 'not-a-statement', index: 1 },
    });
    const short = servedLog([genesis, ...notices.slice(0, 2)]);
    const target = short.target(3);
    short.bundles.set(entriesPath(0, 3), encodeEntryBundle([genesis]));
    expect(await short.checker.advance(target)).toMatchObject({
      kind: 'failed',
      problem: { kind: 'bundle', index: 0 },
    });
    short.bundles.clear();
    expect(await short.checker.advance(target)).toMatchObject({
      kind: 'failed',
      problem: { kind: 'fetch', detail: 'HTTP 404 tile/entries/000.p/3' },
    });
  });
});
