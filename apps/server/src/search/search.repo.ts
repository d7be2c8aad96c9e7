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
 * the title weighs more than the text. Each query ranks first, reading only what ranking and
 * privacy need (0007-search-speed), and makes snippets for the few best hits only.
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
      const { rows } = await sql<PageRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        top AS (
          SELECT s.path, ts_rank(s.vector, query.q) AS score FROM search_pages s, query
          WHERE s.vector @@ query.q ORDER BY score DESC, s.path LIMIT ${limit}
        )
        SELECT p.path, p.title, top.score::float8 AS score,
          ts_headline('simple', r.markdown, query.q, ${HEADLINE}) AS snippet
        FROM top JOIN wiki_pages p ON p.path = top.path
          JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision, query
        ORDER BY top.score DESC, p.path`.execute(this.#db);
      return rows.map(toPageHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const { rows } = await sql<PageRow>`
      WITH top AS (
        SELECT rowid AS id, bm25(search_pages, 0.0, 10.0, 1.0) AS score FROM search_pages
        WHERE search_pages MATCH ${match} ORDER BY score LIMIT ${limit}
      )
      SELECT search_pages.path, search_pages.title, top.score,
        snippet(search_pages, 2, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
      FROM top JOIN search_pages ON search_pages.rowid = top.id
      WHERE search_pages MATCH ${match}
      ORDER BY top.score, search_pages.path`.execute(this.#db);
    return rows.map((row) => toPageHit({ ...row, score: -row.score }));
  }

  /** Tickets whose title or text match, among those `access` may see. */
  async tickets(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    if (this.#dialect === 'postgres') {
      const { rows } = await sql<TicketRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        top AS (
          SELECT t.id, ts_rank(t.vector, query.q) AS score FROM search_tickets t, query
          WHERE t.vector @@ query.q AND (t.private = 0 OR ${allowed(access)})
          ORDER BY score DESC, t.id DESC LIMIT ${limit}
        )
        SELECT t.id, t.title, t.requester, t.service, t.private, top.score::float8 AS score,
          ts_headline('simple', t.title || E'\n' || t.body, query.q, ${HEADLINE}) AS snippet
        FROM top JOIN tickets t ON t.id = top.id, query
        ORDER BY top.score DESC, t.id DESC`.execute(this.#db);
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    // The covering index answers who may see a ticket without reading its title and text.
    const { rows } = await sql<TicketRow>`
      WITH top AS (
        SELECT t.id, bm25(search_tickets, 10.0, 1.0) AS score
        FROM search_tickets JOIN tickets t INDEXED BY tickets_search_visibility
          ON t.id = search_tickets.rowid
        WHERE search_tickets MATCH ${match} AND (t.private = 0 OR ${allowed(access)})
        ORDER BY score, t.id DESC LIMIT ${limit}
      )
      SELECT t.id, t.title, t.requester, t.service, t.private, top.score,
        snippet(search_tickets, -1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
      FROM top JOIN search_tickets ON search_tickets.rowid = top.id JOIN tickets t ON t.id = top.id
      WHERE search_tickets MATCH ${match}
      ORDER BY top.score, t.id DESC`.execute(this.#db);
    return rows.map((row) => toTicketHit({ ...row, score: -row.score }));
  }

  /**
   * Tickets with a matching comment, among those `access` may see; a private comment matches
   * only for those who may read the private comments of its ticket.
   */
  async comments(query: string, access: PrivateAccess, limit: number): Promise<TicketHit[]> {
    if (this.#dialect === 'postgres') {
      const { rows } = await sql<TicketRow>`
        WITH query AS (SELECT websearch_to_tsquery('simple', ${query}) AS q),
        top AS (
          SELECT t.id AS item, t.ticket_id, ts_rank(t.vector, query.q) AS score
          FROM search_comments t, query
          WHERE t.vector @@ query.q
            AND (t.ticket_private = 0 OR ${allowed(access)}) AND (t.private = 0 OR ${allowed(access)})
          ORDER BY score DESC, t.id DESC LIMIT ${limit}
        )
        SELECT t.id, t.title, t.requester, t.service, t.private, top.score::float8 AS score,
          ts_headline('simple', coalesce(i.body, ''), query.q, ${HEADLINE}) AS snippet
        FROM top JOIN ticket_items i ON i.id = top.item JOIN tickets t ON t.id = top.ticket_id, query
        ORDER BY top.score DESC, top.item DESC`.execute(this.#db);
      return rows.map(toTicketHit);
    }
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const visible = sql`(t.private = 0 OR ${allowed(access)}) AND (i.private = 0 OR ${allowed(access)})`;
    const { rows } = await sql<TicketRow>`
      WITH top AS (
        SELECT i.id AS item, t.id, bm25(search_comments) AS score
        FROM search_comments
          JOIN ticket_items i INDEXED BY ticket_items_search_visibility
            ON i.id = search_comments.rowid
          JOIN tickets t INDEXED BY tickets_search_visibility ON t.id = i.ticket_id
        WHERE search_comments MATCH ${match} AND i.kind = 'comment' AND ${visible}
        ORDER BY score, i.id DESC LIMIT ${limit}
      )
      SELECT t.id, t.title, t.requester, t.service, t.private, top.score,
        snippet(search_comments, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
      FROM top JOIN search_comments ON search_comments.rowid = top.item
        JOIN tickets t ON t.id = top.id
      WHERE search_comments MATCH ${match}
      ORDER BY top.score, top.item DESC`.execute(this.#db);
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
