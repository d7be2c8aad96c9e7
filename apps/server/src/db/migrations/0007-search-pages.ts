import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * SQLite: the wiki's search rows get a key of their own. 0006-search found a page's row by its
 * `path` column, which FTS5 cannot index, so every save of a page scanned the whole search table
 * — a save took time in proportion to the wiki's size, and filling a wiki took quadratic time.
 * Now `search_page_keys` gives each path an INTEGER PRIMARY KEY (stable, unlike a plain rowid,
 * across VACUUM), and that key is the search row's rowid.
 *
 * PostgreSQL indexes the tables themselves and needs nothing here.
 */
export function searchPagesMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') return;
      const key = (path: string) => `(SELECT id FROM search_page_keys WHERE path = ${path})`;
      const reindexPage = (path: string) => [
        `INSERT OR IGNORE INTO search_page_keys (path) VALUES (${path});`,
        `DELETE FROM search_pages WHERE rowid = ${key(path)};`,
        `INSERT INTO search_pages (rowid, path, title, body)
           SELECT ${key(path)}, p.path, p.title, r.markdown FROM wiki_pages p
           JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision
           WHERE p.path = ${path};`,
      ];
      const forgetPage = (path: string) => [
        `DELETE FROM search_pages WHERE rowid = ${key(path)};`,
        `DELETE FROM search_page_keys WHERE path = ${path};`,
      ];
      const trigger = (name: string, when: string, body: string[]) =>
        `CREATE TRIGGER ${name} ${when} BEGIN ${body.join(' ')} END`;
      for (const statement of [
        'DROP TRIGGER wiki_pages_search_insert',
        'DROP TRIGGER wiki_pages_search_update',
        'DROP TRIGGER wiki_pages_search_delete',
        'DROP TRIGGER wiki_revisions_search_insert',
        'DROP TABLE search_pages',
        'CREATE TABLE search_page_keys (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE)',
        'CREATE VIRTUAL TABLE search_pages USING fts5(path UNINDEXED, title, body)',
        trigger('wiki_pages_search_insert', 'AFTER INSERT ON wiki_pages', reindexPage('new.path')),
        trigger('wiki_pages_search_update', 'AFTER UPDATE ON wiki_pages', [
          ...forgetPage('old.path'),
          ...reindexPage('new.path'),
        ]),
        trigger('wiki_pages_search_delete', 'AFTER DELETE ON wiki_pages', forgetPage('old.path')),
        trigger(
          'wiki_revisions_search_insert',
          'AFTER INSERT ON wiki_revisions',
          reindexPage('new.path'),
        ),
        'INSERT INTO search_page_keys (path) SELECT path FROM wiki_pages ORDER BY path',
        `INSERT INTO search_pages (rowid, path, title, body)
           SELECT k.id, p.path, p.title, r.markdown FROM wiki_pages p
           JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision
           JOIN search_page_keys k ON k.path = p.path`,
      ]) {
        await sql.raw(statement).execute(db);
      }
    },
  };
}
