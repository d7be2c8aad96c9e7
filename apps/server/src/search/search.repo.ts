import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';

/** Marks around a hit in a raw snippet; the service escapes the rest and turns them into `<mark>`. */
export const HIT_START = '\u0002';
export const HIT_END = '\u0003';

/**
 * Who may see which private tickets: everyone's (`all`), or those the viewer asked, or those of
 * the listed services. Anyone else sees public tickets and public comments only.
 */
export type PrivateAccess = { all: boolean; requester: string | undefined; services: string[] };

export type PageHit = { path: string; title: string; rank: number };
/** A ticket that matched by its own text, or by one of its comments (`item`). */
export type TicketHit = {
  id: number;
  title: string;
  requester: string;
  service: string | null;
  private: boolean;
  item: number | undefined;
  rank: number;
};

type PageRow = { path: string; title: string; score: number };
type TicketRow = {
  id: number;
  title: string;
  requester: string;
  service: string | null;
  private: number;
  item?: number;
  score: number;
};
type SnippetRow = { key: string | number; snippet: string | null };

const HEADLINE = `StartSel="${HIT_START}", StopSel="${HIT_END}", MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … "`;
const SNIPPET_TOKENS = 16;

/**
 * The search queries, one pair per dialect, in two steps: ranking, which reads only what ranking
 * needs (0007-search-speed; on SQLite privacy is applied to the best matches, see `deepening`;
 * on PostgreSQL a word's best tiers are ranked first, see `tiered`),
 * and snippets, made afterwards for the few hits that are shown. SQLite ranks with bm25 (smaller
 * is better, so the rank is its negation), PostgreSQL with ts_rank; either way a larger rank is a
 * better hit, and the title weighs more than the text.
 */
export class SearchRepository {
  readonly #db: Kysely<Schema>;
  readonly #dialect: Dialect;

  constructor(database: { db: Kysely<Schema>; dialect: Dialect }) {
    this.#db = database.db;
    this.#dialect = database.dialect;
  }

  async pages(query: string, limit: number): Promise<PageHit[]> {
    if (this.#dialect === 'postgres') {
      const ranking = {
        table: sql`search_pages`,
        columns: sql`t.path`,
        order: sql`path`,
        visible: sql`true`,
      };
      const rows = await tiered(
        this.#db,
        ranking,
        query,
        limit,
        (top) => sql<PageRow>`
          WITH top AS (${top})
          SELECT p.path, p.title, top.score::float8 AS score
          FROM top JOIN wiki_pages p ON p.path = top.path ORDER BY top.score DESC, p.path`,
      );
      return rows.map((row) => ({ path: row.path, title: row.title, rank: row.score }));
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    // Rank by rowid alone, then read the few rows shown.
    const { rows } = await sql<PageRow>`
      WITH top AS (
        SELECT rowid AS id, bm25(search_pages, 0.0, 10.0, 1.0) AS score FROM search_pages
        WHERE search_pages MATCH ${match} ORDER BY score LIMIT ${limit}
      )
      SELECT search_pages.path, search_pages.title, -top.score AS score
      FROM top JOIN search_pages ON search_pages.rowid = top.id
      ORDER BY top.score, search_pages.path`.execute(this.#db);
    return rows.map((row) => ({ path: row.path, title: row.title, rank: row.score }));
  }

  /** Tickets whose title or text match, among those `access` may see. */
  async tickets(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    if (this.#dialect === 'postgres') {
      const ranking = {
        table: sql`search_tickets`,
        columns: sql`t.id`,
        order: sql`id DESC`,
        visible: sql`(t.private = 0 OR ${allowed(access)})`,
      };
      const rows = await tiered(
        this.#db,
        ranking,
        query,
        limit,
        (top) => sql<TicketRow>`
          WITH top AS (${top})
          SELECT t.id, t.title, t.requester, t.service, t.private, top.score::float8 AS score
          FROM top JOIN tickets t ON t.id = top.id ORDER BY top.score DESC, t.id DESC`,
      );
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const rows = await deepening(limit, async (fetch) => {
      const { rows } = await sql<TicketRow & Ranked>`
        WITH ranked AS (
          SELECT rowid AS id, bm25(search_tickets, 10.0, 1.0) AS score FROM search_tickets
          WHERE search_tickets MATCH ${match} ORDER BY score, rowid DESC LIMIT ${fetch}
        )
        SELECT t.id, t.title, t.requester, t.service, t.private, -ranked.score AS score,
          (SELECT count(*) FROM ranked) AS ranked
        FROM ranked JOIN tickets t ON t.id = ranked.id
        WHERE t.private = 0 OR ${allowed(access)}
        ORDER BY ranked.score, t.id DESC LIMIT ${limit}`.execute(this.#db);
      return rows;
    });
    return rows.map(toTicketHit);
  }

  /**
   * Tickets with a matching comment, among those `access` may see; a private comment matches
   * only for those who may read the private comments of its ticket.
   */
  async comments(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    if (this.#dialect === 'postgres') {
      const ranking = {
        table: sql`search_comments`,
        columns: sql`t.id AS item, t.ticket_id`,
        order: sql`item DESC`,
        visible: sql`(t.ticket_private = 0 OR ${allowed(access)}) AND (t.private = 0 OR ${allowed(access)})`,
      };
      const rows = await tiered(
        this.#db,
        ranking,
        query,
        limit,
        (top) => sql<TicketRow>`
          WITH top AS (${top})
          SELECT t.id, top.item, t.title, t.requester, t.service, t.private,
            top.score::float8 AS score
          FROM top JOIN tickets t ON t.id = top.ticket_id
          ORDER BY top.score DESC, top.item DESC`,
      );
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const visible = sql`(t.private = 0 OR ${allowed(access)}) AND (i.private = 0 OR ${allowed(access)})`;
    const rows = await deepening(limit, async (fetch) => {
      const { rows } = await sql<TicketRow & Ranked>`
        WITH ranked AS (
          SELECT rowid AS id, bm25(search_comments) AS score FROM search_comments
          WHERE search_comments MATCH ${match} ORDER BY score, rowid DESC LIMIT ${fetch}
        )
        SELECT t.id, i.id AS item, t.title, t.requester, t.service, t.private,
          -ranked.score AS score, (SELECT count(*) FROM ranked) AS ranked
        FROM ranked JOIN ticket_items i ON i.id = ranked.id JOIN tickets t ON t.id = i.ticket_id
        WHERE i.kind = 'comment' AND ${visible}
        ORDER BY ranked.score, i.id DESC LIMIT ${limit}`.execute(this.#db);
      return rows;
    });
    return rows.map(toTicketHit);
  }

  /** Snippets of pages by path, with the hits of `query` marked. */
  async pageSnippets(query: string, paths: readonly string[]): Promise<Map<string, string>> {
    if (paths.length === 0) return new Map();
    if (this.#dialect === 'postgres') {
      return snippets(
        await sql<SnippetRow>`
          SELECT p.path AS key,
            ts_headline('simple', r.markdown, websearch_to_tsquery('simple', ${query}), ${HEADLINE}) AS snippet
          FROM wiki_pages p JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision
          WHERE p.path IN (${sql.join(paths)})`.execute(this.#db),
      );
    }
    return snippets(
      await sql<SnippetRow>`
        SELECT path AS key,
          snippet(search_pages, 2, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
        FROM search_pages
        WHERE search_pages MATCH ${ftsQuery(query) ?? '""'}
          AND rowid IN (SELECT id FROM search_page_keys WHERE path IN ${each(paths)})`.execute(
        this.#db,
      ),
    );
  }

  /** Snippets of tickets' own text by ticket ID. */
  async ticketSnippets(query: string, ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    if (this.#dialect === 'postgres') {
      return snippets(
        await sql<SnippetRow>`
          SELECT id AS key, ts_headline('simple', title || E'\n' || body,
            websearch_to_tsquery('simple', ${query}), ${HEADLINE}) AS snippet
          FROM tickets WHERE id IN (${sql.join(ids)})`.execute(this.#db),
      );
    }
    return snippets(
      await sql<SnippetRow>`
        SELECT rowid AS key,
          snippet(search_tickets, -1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
        FROM search_tickets
        WHERE search_tickets MATCH ${ftsQuery(query) ?? '""'} AND rowid IN ${each(ids)}`.execute(
        this.#db,
      ),
    );
  }

  /** Snippets of comments by timeline item ID. */
  async commentSnippets(query: string, items: readonly number[]): Promise<Map<number, string>> {
    if (items.length === 0) return new Map();
    if (this.#dialect === 'postgres') {
      return snippets(
        await sql<SnippetRow>`
          SELECT id AS key, ts_headline('simple', coalesce(body, ''),
            websearch_to_tsquery('simple', ${query}), ${HEADLINE}) AS snippet
          FROM ticket_items WHERE id IN (${sql.join(items)})`.execute(this.#db),
      );
    }
    return snippets(
      await sql<SnippetRow>`
        SELECT rowid AS key,
          snippet(search_comments, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
        FROM search_comments
        WHERE search_comments MATCH ${ftsQuery(query) ?? '""'} AND rowid IN ${each(items)}`.execute(
        this.#db,
      ),
    );
  }
}

/**
 * A list as one JSON parameter, for SQLite: the statement's text is the same for any length, and
 * FTS5 gets each rowid as an integer. (`rowid IN (?)` with one bound number reached FTS5 as a
 * real, which it ignored: every match got a snippet, 4,000 of them for a common word.)
 */
function each(values: readonly (string | number)[]): RawBuilder<unknown> {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * A PostgreSQL search table to rank: `columns` of its rows (alias `t`), the order among rows of
 * equal rank by the names they are selected as, and which rows the viewer may see.
 */
type Ranking = {
  table: RawBuilder<unknown>;
  columns: RawBuilder<unknown>;
  order: RawBuilder<unknown>;
  visible: RawBuilder<unknown>;
};

/**
 * PostgreSQL: the best `limit` visible matches of `query` with their `score` (ts_rank), read as
 * `top` by the query that `around` wraps around them. Ranking every match reads every match's vector, thousands
 * for a common word. For a query of one word it ranks first the rows of the highest tiers
 * (0012-search-tiers: a title hit; then also three occurrences; then also two), each of which
 * outranks every row below it, so that when a tier holds `limit` rows the viewer may see, its
 * best are the best of all. Below the last tier every match has the same rank (one occurrence
 * in the text), so the rest are the first visible matches in the order of equal ranks: those
 * and the last tier, ranked together, are the best of all. The same rows, in the same order, as
 * ranking every match; a few hundred vectors read instead of thousands.
 *
 * Whether the query is one plain lexeme the database decides (else no tier matches and the rest
 * is every match, still right); the word count here only spares queries of several words the
 * tiers' round trips.
 */
async function tiered<R>(
  db: Kysely<Schema>,
  ranking: Ranking,
  query: string,
  limit: number,
  around: (top: RawBuilder<unknown>) => RawBuilder<R>,
): Promise<R[]> {
  const select = async (top: RawBuilder<unknown>) => (await around(top).execute(db)).rows;
  const { table, columns, order, visible } = ranking;
  const tsquery = sql`websearch_to_tsquery('simple', ${query})`;
  const ranked = (matches: RawBuilder<unknown>) =>
    sql`SELECT ${columns}, ts_rank(t.vector, ${tsquery}) AS score FROM ${table} t
        WHERE ${matches} AND ${visible}`;
  const matches = sql`t.vector @@ ${tsquery}`;
  const tier = (tiers: string) =>
    sql`search_tiers(t.vector) @@ search_tier_query(${tsquery}, ${tiers})`;
  if (query.match(WORDS)?.length !== 1) {
    return select(sql`${ranked(matches)} ORDER BY score DESC, ${order} LIMIT ${limit}`);
  }
  for (const tiers of ['t', 't3', 't32']) {
    const rows = await select(
      sql`${ranked(tier(tiers))} ORDER BY score DESC, ${order} LIMIT ${limit}`,
    );
    if (rows.length === limit) return rows;
  }
  // One lexeme: the last tier and the first matches in the order of equal ranks. Not one (a
  // query the word count took for one word, such as `-word`): every match, ranked.
  const one = sql`search_tier_query(${tsquery}, 't') IS NOT NULL`;
  return select(sql`
    SELECT * FROM (
      (${ranked(tier('t32'))})
      UNION (${ranked(sql`${matches} AND ${one}`)} ORDER BY ${order} LIMIT ${limit})
      UNION (${ranked(sql`${matches} AND NOT ${one}`)} ORDER BY score DESC, ${order} LIMIT ${limit})
    ) AS t ORDER BY score DESC, ${order} LIMIT ${limit}`);
}

type Ranked = { ranked: number };

/**
 * Ranks the matches alone, as cheaply as plain full-text ranking, cut at the best `fetch`, and
 * keeps of those only the rows the viewer may see, in the same query: privacy is still decided
 * by the database, but for a few dozen rows instead of every match. When fewer than `limit` of
 * the cut are visible and the cut was full, ranks again deeper, in the end without a cut (-1),
 * so that a word found mostly in hidden rows still finds every visible one.
 */
async function deepening<R extends Ranked>(
  limit: number,
  query: (fetch: number) => Promise<R[]>,
): Promise<R[]> {
  for (const fetch of [2 * limit + 10, 20 * limit]) {
    const rows = await query(fetch);
    // An empty answer does not say how many were ranked: go deeper.
    if (rows.length === limit || (rows.length > 0 && Number(rows[0]!.ranked) < fetch)) {
      return rows;
    }
  }
  return query(-1);
}

function snippets<K extends string | number>(result: { rows: SnippetRow[] }): Map<K, string> {
  return new Map(
    result.rows.map((row) => [
      (typeof row.key === 'string' ? row.key : Number(row.key)) as K,
      row.snippet ?? '',
    ]),
  );
}

function allowed(access: PrivateAccess): RawBuilder<unknown> {
  if (access.all) return sql`1 = 1`;
  const terms: RawBuilder<unknown>[] = [];
  if (access.requester !== undefined) terms.push(sql`t.requester = ${access.requester}`);
  if (access.services.length > 0) {
    terms.push(sql`t.service IN (${sql.join(access.services)})`);
  }
  return terms.length === 0 ? sql`1 = 0` : sql`(${sql.join(terms, sql` OR `)})`;
}

/** What counts as a word of a query. */
const WORDS = /[\p{L}\p{N}]+/gu;

/**
 * The words of a query as an FTS5 expression: each word quoted, all of them required. Quoting
 * keeps FTS5's own syntax (NEAR, column filters, `*`) out of the user's reach.
 */
function ftsQuery(query: string): string | undefined {
  const words = query.match(WORDS);
  if (!words) return undefined;
  return words.map((word) => `"${word}"`).join(' ');
}

function toTicketHit(row: TicketRow): TicketHit {
  return {
    id: Number(row.id),
    title: row.title,
    requester: row.requester,
    service: row.service,
    private: row.private !== 0,
    item: row.item === undefined || row.item === null ? undefined : Number(row.item),
    rank: row.score,
  };
}
