import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * One search over the wiki and the help desk, kept by the database itself so that neither the
 * wiki nor the desk has to know about it.
 *
 * SQLite: FTS5 tables filled by triggers on the source tables — a page's title and the Markdown
 * of its current revision, a ticket's title and body, and each comment. A page row names its
 * revision before that revision is written, so both tables' triggers reindex the page.
 *
 * PostgreSQL: GIN expression indexes over `to_tsvector('simple', …)` of the same columns; the
 * queries repeat these expressions exactly, so that the planner can use them.
 */
export function searchMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        for (const statement of [
          sql`CREATE INDEX wiki_pages_search ON wiki_pages USING gin (to_tsvector('simple', title))`,
          sql`CREATE INDEX wiki_revisions_search ON wiki_revisions USING gin (to_tsvector('simple', markdown))`,
          sql`CREATE INDEX tickets_search ON tickets USING gin (to_tsvector('simple', title || ' ' || body))`,
          sql`CREATE INDEX ticket_items_search ON ticket_items USING gin (to_tsvector('simple', coalesce(body, ''))) WHERE kind = 'comment'`,
        ]) {
          await statement.execute(db);
        }
        return;
      }
      const reindexPage = (path: string) => [
        `DELETE FROM search_pages WHERE path = ${path};`,
        `INSERT INTO search_pages (path, title, body)
           SELECT p.path, p.title, r.markdown FROM wiki_pages p
           JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision
           WHERE p.path = ${path};`,
      ];
      const reindexTicket = [
        'DELETE FROM search_tickets WHERE rowid = new.id;',
        'INSERT INTO search_tickets (rowid, title, body) VALUES (new.id, new.title, new.body);',
      ];
      const reindexComment = [
        'DELETE FROM search_comments WHERE rowid = new.id;',
        `INSERT INTO search_comments (rowid, body)
           SELECT new.id, coalesce(new.body, '') WHERE new.kind = 'comment';`,
      ];
      const trigger = (name: string, when: string, body: string[]) =>
        `CREATE TRIGGER ${name} ${when} BEGIN ${body.join(' ')} END`;
      for (const statement of [
        'CREATE VIRTUAL TABLE search_pages USING fts5(path UNINDEXED, title, body)',
        'CREATE VIRTUAL TABLE search_tickets USING fts5(title, body)',
        'CREATE VIRTUAL TABLE search_comments USING fts5(body)',
        trigger('wiki_pages_search_insert', 'AFTER INSERT ON wiki_pages', reindexPage('new.path')),
        trigger('wiki_pages_search_update', 'AFTER UPDATE ON wiki_pages', [
          'DELETE FROM search_pages WHERE path = old.path;',
          ...reindexPage('new.path'),
        ]),
        trigger('wiki_pages_search_delete', 'AFTER DELETE ON wiki_pages', [
          'DELETE FROM search_pages WHERE path = old.path;',
        ]),
        trigger(
          'wiki_revisions_search_insert',
          'AFTER INSERT ON wiki_revisions',
          reindexPage('new.path'),
        ),
        trigger('tickets_search_insert', 'AFTER INSERT ON tickets', reindexTicket),
        trigger('tickets_search_update', 'AFTER UPDATE ON tickets', reindexTicket),
        trigger('tickets_search_delete', 'AFTER DELETE ON tickets', [
          'DELETE FROM search_tickets WHERE rowid = old.id;',
        ]),
        trigger('ticket_items_search_insert', 'AFTER INSERT ON ticket_items', reindexComment),
        trigger('ticket_items_search_update', 'AFTER UPDATE ON ticket_items', reindexComment),
        trigger('ticket_items_search_delete', 'AFTER DELETE ON ticket_items', [
          'DELETE FROM search_comments WHERE rowid = old.id;',
        ]),
        // Whatever was written before this migration.
        `INSERT INTO search_pages (path, title, body)
           SELECT p.path, p.title, r.markdown FROM wiki_pages p
           JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision`,
        'INSERT INTO search_tickets (rowid, title, body) SELECT id, title, body FROM tickets',
        `INSERT INTO search_comments (rowid, body)
           SELECT id, coalesce(body, '') FROM ticket_items WHERE kind = 'comment'`,
      ]) {
        await sql.raw(statement).execute(db);
      }
    },
  };
}
