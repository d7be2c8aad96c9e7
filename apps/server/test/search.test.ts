import { randomBytes } from 'node:crypto';
import {
  ErrorBody,
  SearchResults,
  Ticket,
  formatAgeRecipient,
  type SearchResult,
} from '@allmende/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stewardedService, testMember, type TestMember } from '../../../test/support/members.ts';
import { SearchRepository } from '../src/search/search.repo.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { request, signIn } from './api.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

// ada is in the oversight group (she holds an age key), bo looks after mail with cem as his
// deputy, dana is a member with nothing to do with it, and eve asks.
const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const dana = testMember('dana');
const eve = testMember('eve');
const founders = [ada, bo, cem, dana, eve].map((m) => ({
  handle: m.handle,
  name: m.name,
  keys:
    m === ada
      ? [m.key, { kind: 'age' as const, recipient: formatAgeRecipient(randomBytes(32)) }]
      : [m.key],
}));

describe.each(DIALECTS)('search on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders,
    });
    for (const statement of await stewardedService(server.log.origin, {
      slug: 'mail',
      steward: bo,
      deputy: cem,
    })) {
      await server.coop.submit(statement);
    }
    for (const member of [ada, bo, cem, dana, eve])
      tokens.set(member.handle, await signIn(server.url, member));
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  const call = (method: string, path: string, body?: unknown, as?: TestMember) =>
    request(server.url, method, path, { json: body, token: as && tokens.get(as.handle) });

  async function save(path: string, markdown: string, baseRevision: number): Promise<void> {
    const reply = await call(
      'PUT',
      `/api/wiki/pages/${path}`,
      { markdown, message: '', baseRevision },
      ada,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  async function open(as: TestMember, ticket: Record<string, unknown>): Promise<Ticket> {
    const reply = await call('POST', '/api/tickets', ticket, as);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return Ticket.parse(reply.body);
  }
  async function comment(id: number, body: string, as: TestMember, isPrivate: boolean) {
    const reply = await call(
      'POST',
      `/api/tickets/${id}/comments`,
      { body, private: isPrivate },
      as,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  }
  async function search(q: string, as?: TestMember): Promise<SearchResult[]> {
    const reply = await call('GET', `/api/search?q=${encodeURIComponent(q)}`, undefined, as);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return SearchResults.parse(reply.body).results;
  }
  const where = (results: SearchResult[]) =>
    results.map((r) => (r.kind === 'page' ? r.path : `#${r.id}`));

  it('ranks a page about the word above one that mentions it once', async () => {
    await save(
      'notes/passing',
      '# Notes\n\nMany words about the weather, the garden, and once a zephyrine breeze, then more words about lunch.\n',
      0,
    );
    await save(
      'guides/zephyrine',
      '# Zephyrine\n\nZephyrine is our relay. Configure zephyrine before anything else.\n',
      0,
    );
    const results = await search('zephyrine');
    expect(where(results)).toEqual(['guides/zephyrine', 'notes/passing']);
    expect(results[0]).toMatchObject({ kind: 'page', title: 'Zephyrine' });
    expect(results[1]?.snippet).toContain('<mark>zephyrine</mark>');
  });

  it('escapes the indexed text in a snippet: only the hits are markup', async () => {
    await save(
      'hostile/script',
      '# Hostile\n\nquokkas <script>alert(1)</script> & <b>bold</b>\n',
      0,
    );
    const [hit] = await search('quokkas');
    expect(hit?.snippet).toContain('<mark>quokkas</mark>');
    expect(hit?.snippet).toContain('&amp;');
    // SQLite keeps the tags as text (escaped); PostgreSQL's headline drops them. Neither is markup.
    if (dialect === 'sqlite') expect(hit?.snippet).toContain('&lt;script&gt;');
    expect(hit?.snippet).not.toMatch(/<(?!\/?mark>)/);
  });

  it('finds a page by its current revision only', async () => {
    await save('ops/backup', '# Backup\n\nWe use alpacastore for backups.\n', 0);
    expect(where(await search('alpacastore'))).toEqual(['ops/backup']);
    await save('ops/backup', '# Backup\n\nWe moved to llamavault for backups.\n', 1);
    expect(await search('alpacastore')).toEqual([]);
    expect(where(await search('llamavault'))).toEqual(['ops/backup']);
  });

  it('finds public tickets and their comments for anyone', async () => {
    const ticket = await open(eve, { title: 'Greylisting delays', body: 'Mails come late.' });
    await comment(ticket.id, 'Try the marmotfilter setting.', bo, false);
    expect(where(await search('greylisting'))).toEqual([`#${ticket.id}`]);
    const [hit] = await search('marmotfilter');
    expect(hit).toMatchObject({ kind: 'ticket', id: ticket.id, title: 'Greylisting delays' });
    expect(hit?.snippet).toContain('<mark>marmotfilter</mark>');
  });

  it('searches a private ticket or comment only for those allowed to read it', async () => {
    const secret = await open(eve, {
      title: 'Password leaked',
      body: 'My password geheimwortalpha leaked.',
      service: 'mail',
      private: true,
    });
    const open_ = await open(eve, { title: 'Quota question', body: 'How large?', service: 'mail' });
    await comment(open_.id, 'Her address is geheimwortbeta 7.', bo, true);
    // A public comment on the private ticket is as private as the ticket.
    await comment(secret.id, 'Reset geheimwortgamma done.', bo, false);

    for (const word of ['geheimwortalpha', 'geheimwortbeta', 'geheimwortgamma', 'leaked']) {
      expect(await search(word), `anonymous: ${word}`).toEqual([]);
      expect(await search(word, dana), `dana: ${word}`).toEqual([]);
    }
    expect(where(await search('quota'))).toEqual([`#${open_.id}`]);
    for (const member of [eve, bo, cem, ada]) {
      expect(where(await search('geheimwortalpha', member)), member.handle).toEqual([
        `#${secret.id}`,
      ]);
      expect(where(await search('geheimwortbeta', member)), member.handle).toEqual([
        `#${open_.id}`,
      ]);
      expect(where(await search('geheimwortgamma', member)), member.handle).toEqual([
        `#${secret.id}`,
      ]);
    }
  });

  it('finds the visible match that many hidden ones outrank', async () => {
    // Ranking cuts the best matches before it asks who may see them: below the cut, and below
    // the deeper cut after it, a visible match must still be found.
    const hidden: number[] = [];
    const board = await open(eve, { title: 'Board', body: 'Public questions.', service: 'mail' });
    for (let n = 0; n < 45; n++) {
      const ticket = await open(eve, {
        title: 'lemmingrush lemmingrush',
        body: 'lemmingrush lemmingrush lemmingrush',
        service: 'mail',
        private: true,
      });
      hidden.push(ticket.id);
      await comment(board.id, 'voleswarm voleswarm voleswarm', bo, true);
    }
    const shown = await open(eve, {
      title: 'Migration',
      body: 'Many other words before one lemmingrush among them.',
    });
    await comment(shown.id, 'Many other words, once voleswarm, and more of them.', bo, false);
    const first = async (word: string, as?: TestMember) => {
      const reply = await call('GET', `/api/search?q=${word}&limit=1`, undefined, as);
      return where(SearchResults.parse(reply.body).results);
    };
    for (const word of ['lemmingrush', 'voleswarm']) {
      expect(await first(word), word).toEqual([`#${shown.id}`]);
      expect(await first(word, dana), word).toEqual([`#${shown.id}`]);
    }
    expect(hidden).toContain(Number((await first('lemmingrush', bo))[0]?.slice(1)));
    expect(await first('voleswarm', bo)).toEqual([`#${board.id}`]);
  });

  it('ranks title hits, then more occurrences, then the newest, at any limit', async () => {
    // PostgreSQL ranks a word's title hits first, then adds those with three occurrences, then
    // two, then the newest of the rest (0012-search-tiers): each limit below ends in another
    // of these steps, and each must give the first rows of the one ranking. Texts are of equal
    // length, so that SQLite's bm25 ranks them alike.
    const made = async (title: string, body: string, more: Record<string, unknown> = {}) =>
      (await open(eve, { title, body, ...more })).id;
    const title = await made('Otterpine relay', 'one two three four');
    const once = [await made('First', 'otterpine two three four')];
    const thrice = await made('Second', 'otterpine otterpine otterpine four');
    once.push(await made('Third', 'one otterpine three four'));
    const twice = await made('Fourth', 'otterpine two otterpine four');
    once.push(await made('Fifth', 'one two three otterpine'));
    const hidden = await made('Otterpine leak', 'one two three four', {
      service: 'mail',
      private: true,
    });
    const ranked = (as?: TestMember) =>
      [hidden, title, thrice, twice, ...[...once].reverse()]
        .filter((id) => as !== undefined || id !== hidden)
        .map((id) => `#${id}`);
    for (const as of [undefined, bo]) {
      const best = ranked(as);
      for (let limit = 1; limit <= best.length; limit++) {
        const reply = await call('GET', `/api/search?q=otterpine&limit=${limit}`, undefined, as);
        expect(where(SearchResults.parse(reply.body).results), `${as?.handle} ${limit}`).toEqual(
          best.slice(0, limit),
        );
      }
    }
    // A phrase is not one word: every match is ranked.
    expect(where(await search('"otterpine relay"'))).toEqual([`#${title}`]);
  });

  it('makes snippets for the hits asked for only', async () => {
    // One ID once reached FTS5 as a real number, which it ignored: every match got a snippet.
    const asked = await open(eve, { title: 'Wombatique', body: 'The wombatique relay.' });
    await open(eve, { title: 'Wombatique too', body: 'Another wombatique.' });
    const repo = new SearchRepository(server.database);
    const snippets = await repo.ticketSnippets('wombatique', [asked.id]);
    expect([...snippets.keys()]).toEqual([asked.id]);
    expect(snippets.get(asked.id)).toMatch(/wombatique/i);
  });

  it('refuses a bad query', async () => {
    for (const query of [
      '',
      '?q=',
      '?q=%20',
      `?q=${'a'.repeat(201)}`,
      '?q=x&limit=51',
      '?q=x&limit=0',
    ]) {
      const reply = await call('GET', `/api/search${query}`);
      expect(reply.status, query).toBe(400);
      expect(ErrorBody.parse(reply.body).error.code).toBeTruthy();
    }
    // Punctuation alone is a valid query that finds nothing.
    expect(await search('"*:()')).toEqual([]);
    expect((await call('GET', '/api/search?q=zephyrine&limit=1')).body).toMatchObject({
      results: [{ path: 'guides/zephyrine' }],
    });
  });
});
