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

export type PageHit = { path: string; title: string; snippet: string; rank: number };
export type TicketHit = {
  id: number;
  title: string;
  requester: string;
  service: string | null;
  private: boolean;
  snippet: string;
  rank: number;
};

type PageRow = { path: string; title: string; snippet: string | null; score: number };
type TicketRow = {
  id: number;
  title: string;
  requester: string;
  service: string | null;
  private: number;
  snippet: string | null;
  score: number;
};

const HEADLINE = `StartSel="${HIT_START}", StopSel="${HIT_END}", MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … "`;
const SNIPPET_TOKENS = 16;

/**
 * The search queries, one pair per dialect. SQLite ranks with bm25 (smaller is better, so the
 * rank is its negation), PostgreSQL with ts_rank; either way a larger rank is a better hit, and
 * the title weighs more than the text.
 */
export class SearchRepository {
  readonly #db: Kysely<Schema>;
  readonly #dialect: Dialect;

  constructor(database: { db: Kysely<Schema>; dialect: Dialect }) {
    this.#db = database.db;
    this.#dialect = database.dialect;
  }

  /** The services that have tickets at all: the candidates for a steward's private access. */
  async ticketServices(): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('tickets')
      .select('service')
      .distinct()
      .where('service', 'is not', null)
      .execute();
    return rows.flatMap((row) => (row.service === null ? [] : [row.service]));
  }

  async pages(query: string, limit: number): Promise<PageHit[]> {
    if (this.#dialect === 'postgres') {
      const { rows } = await sql<PageRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        hits AS (
          SELECT p.path FROM wiki_pages p, query
            WHERE to_tsvector('simple', p.title) @@ query.q
          UNION
          SELECT r.path FROM wiki_revisions r
            JOIN wiki_pages p ON p.path = r.path AND p.revision = r.revision, query
            WHERE to_tsvector('simple', r.markdown) @@ query.q
        ),
        ranked AS (
          SELECT p.path, p.title, r.markdown,
            ts_rank(setweight(to_tsvector('simple', p.title), 'A')
              || setweight(to_tsvector('simple', r.markdown), 'D'), query.q) AS score
          FROM hits
            JOIN wiki_pages p ON p.path = hits.path
            JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision, query
          ORDER BY score DESC, p.path LIMIT ${limit}
        )
        SELECT ranked.path, ranked.title, ranked.score::float8 AS score,
          ts_headline('simple', ranked.markdown, query.q, ${HEADLINE}) AS snippet
        FROM ranked, query ORDER BY ranked.score DESC, ranked.path`.execute(this.#db);
      return rows.map(toPageHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const { rows } = await sql<PageRow>`
      SELECT path, title,
        snippet(search_pages, 2, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet,
        bm25(search_pages, 0.0, 10.0, 1.0) AS score
      FROM search_pages WHERE search_pages MATCH ${match}
      ORDER BY score, path LIMIT ${limit}`.execute(this.#db);
    return rows.map((row) => toPageHit({ ...row, score: -row.score }));
  }

  /** Tickets whose title or text match, among those `access` may see. */
  async tickets(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    const visible = sql`(t.private = 0 OR ${allowed(access)})`;
    if (this.#dialect === 'postgres') {
      const { rows } = await sql<TicketRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        ranked AS (
          SELECT t.id, t.title, t.body, t.requester, t.service, t.private,
            ts_rank(setweight(to_tsvector('simple', t.title), 'A')
              || setweight(to_tsvector('simple', t.body), 'D'), query.q) AS score
          FROM tickets t, query
          WHERE to_tsvector('simple', t.title || ' ' || t.body) @@ query.q AND ${visible}
          ORDER BY score DESC, t.id DESC LIMIT ${limit}
        )
        SELECT ranked.id, ranked.title, ranked.requester, ranked.service, ranked.private,
          ranked.score::float8 AS score,
          ts_headline('simple', ranked.title || E'\n' || ranked.body, query.q, ${HEADLINE}) AS snippet
        FROM ranked, query ORDER BY ranked.score DESC, ranked.id DESC`.execute(this.#db);
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const { rows } = await sql<TicketRow>`
      SELECT t.id, t.title, t.requester, t.service, t.private,
        snippet(search_tickets, -1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet,
        bm25(search_tickets, 10.0, 1.0) AS score
      FROM search_tickets JOIN tickets t ON t.id = search_tickets.rowid
      WHERE search_tickets MATCH ${match} AND ${visible}
      ORDER BY score, t.id DESC LIMIT ${limit}`.execute(this.#db);
    return rows.map((row) => toTicketHit({ ...row, score: -row.score }));
  }

  /**
   * Tickets with a matching comment, among those `access` may see; a private comment matches
   * only for those who may read the private comments of its ticket.
   */
  async comments(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    const visible = sql`(t.private = 0 OR ${allowed(access)}) AND (i.private = 0 OR ${allowed(access)})`;
    if (this.#dialect === 'postgres') {
      const { rows } = await sql<TicketRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        ranked AS (
          SELECT t.id, t.title, t.requester, t.service, t.private, i.body,
            ts_rank(to_tsvector('simple', coalesce(i.body, '')), query.q) AS score
          FROM ticket_items i JOIN tickets t ON t.id = i.ticket_id, query
          WHERE i.kind = 'comment' AND to_tsvector('simple', coalesce(i.body, '')) @@ query.q
            AND ${visible}
          ORDER BY score DESC, i.id DESC LIMIT ${limit}
        )
        SELECT ranked.id, ranked.title, ranked.requester, ranked.service, ranked.private,
          ranked.score::float8 AS score,
          ts_headline('simple', coalesce(ranked.body, ''), query.q, ${HEADLINE}) AS snippet
        FROM ranked, query ORDER BY ranked.score DESC`.execute(this.#db);
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const { rows } = await sql<TicketRow>`
      SELECT t.id, t.title, t.requester, t.service, t.private,
        snippet(search_comments, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet,
        bm25(search_comments) AS score
      FROM search_comments
        JOIN ticket_items i ON i.id = search_comments.rowid
        JOIN tickets t ON t.id = i.ticket_id
      WHERE search_comments MATCH ${match} AND i.kind = 'comment' AND ${visible}
      ORDER BY score, i.id DESC LIMIT ${limit}`.execute(this.#db);
    return rows.map((row) => toTicketHit({ ...row, score: -row.score }));
  }
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

/**
 * The words of a query as an FTS5 expression: each word quoted, all of them required. Quoting
 * keeps FTS5's own syntax (NEAR, column filters, `*`) out of the user's reach.
 */
function ftsQuery(query: string): string | undefined {
  const words = query.match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  return words.map((word) => `"${word}"`).join(' ');
}

function toPageHit(row: PageRow): PageHit {
  return { path: row.path, title: row.title, snippet: row.snippet ?? '', rank: row.score };
}

function toTicketHit(row: TicketRow): TicketHit {
  return {
    id: Number(row.id),
    title: row.title,
    requester: row.requester,
    service: row.service,
    private: row.private !== 0,
    snippet: row.snippet ?? '',
    rank: row.score,
  };
}
