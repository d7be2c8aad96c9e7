import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * Search that stays fast when a word is in thousands of tickets (measured in bench/desk.bench.ts).
 *
 * SQLite: 0006-search found a page's search row by its `path` column, which FTS5 cannot index,
 * so every save of a page scanned the whole search table. Now `search_page_keys` gives each path
 * an INTEGER PRIMARY KEY (stable across VACUUM, unlike a plain rowid) that is the search row's
 * rowid. Small covering indexes let the ranking check who may see a ticket or comment without
 * reading the tickets' and comments' whole rows.
 *
 * PostgreSQL: 0006-search indexed expressions, so ranking had to parse every matching text
 * again. Now trigger-kept tables hold each ticket's, comment's and page's tsvector, with the
 * columns that decide who may see it, so that ranking reads only them.
 */
export function searchSpeedMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === 'postgres' ? POSTGRES : SQLITE) {
        await sql.raw(statement).execute(db);
      }
    },
  };
}

const trigger = (name: string, when: string, body: string[]) =>
  `CREATE TRIGGER ${name} ${when} BEGIN ${body.join(' ')} END`;
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

const SQLITE = [
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
  'CREATE INDEX tickets_search_visibility ON tickets (id, private, service, requester)',
  'CREATE INDEX ticket_items_search_visibility ON ticket_items (id, ticket_id, kind, private)',
];

const TICKET_VECTOR = `setweight(to_tsvector('simple', t.title), 'A') || setweight(to_tsvector('simple', t.body), 'D')`;

const POSTGRES = [
  'DROP INDEX wiki_pages_search',
  'DROP INDEX wiki_revisions_search',
  'DROP INDEX tickets_search',
  'DROP INDEX ticket_items_search',
  `CREATE TABLE search_tickets (
     id bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
     private integer NOT NULL, service text, requester text NOT NULL, vector tsvector NOT NULL)`,
  `CREATE TABLE search_comments (
     id bigint PRIMARY KEY REFERENCES ticket_items (id) ON DELETE CASCADE,
     ticket_id bigint NOT NULL, private integer NOT NULL, ticket_private integer NOT NULL,
     service text, requester text NOT NULL, vector tsvector NOT NULL)`,
  `CREATE TABLE search_pages (
     path text PRIMARY KEY REFERENCES wiki_pages (path) ON DELETE CASCADE,
     vector tsvector NOT NULL)`,
  // Ranking reads every match's vector: keep long ones uncompressed, or each read decompresses
  // it (a wiki page's vector is about 4 KB; ranking 2,400 of them took 39 ms, now 12 ms).
  ...['search_tickets', 'search_comments', 'search_pages'].map(
    (table) => `ALTER TABLE ${table} ALTER COLUMN vector SET STORAGE EXTERNAL`,
  ),
  'CREATE INDEX search_tickets_vector ON search_tickets USING gin (vector)',
  'CREATE INDEX search_comments_vector ON search_comments USING gin (vector)',
  'CREATE INDEX search_comments_ticket ON search_comments (ticket_id)',
  'CREATE INDEX search_pages_vector ON search_pages USING gin (vector)',
  // A ticket's row, and who may see its comments.
  `CREATE FUNCTION search_tickets_sync() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO search_tickets (id, private, service, requester, vector)
       SELECT t.id, t.private, t.service, t.requester, ${TICKET_VECTOR}
       FROM (SELECT NEW.*) t
     ON CONFLICT (id) DO UPDATE SET private = EXCLUDED.private, service = EXCLUDED.service,
       requester = EXCLUDED.requester, vector = EXCLUDED.vector;
     UPDATE search_comments SET ticket_private = NEW.private, service = NEW.service,
       requester = NEW.requester WHERE ticket_id = NEW.id;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER tickets_search AFTER INSERT OR UPDATE OF title, body, private, service, requester
     ON tickets FOR EACH ROW EXECUTE FUNCTION search_tickets_sync()`,
  `CREATE FUNCTION search_comments_sync() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.kind = 'comment' THEN
       INSERT INTO search_comments (id, ticket_id, private, ticket_private, service, requester, vector)
         SELECT NEW.id, t.id, NEW.private, t.private, t.service, t.requester,
           to_tsvector('simple', coalesce(NEW.body, ''))
         FROM tickets t WHERE t.id = NEW.ticket_id
       ON CONFLICT (id) DO UPDATE SET private = EXCLUDED.private, vector = EXCLUDED.vector;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER ticket_items_search AFTER INSERT OR UPDATE OF body, private
     ON ticket_items FOR EACH ROW EXECUTE FUNCTION search_comments_sync()`,
  // A page row names its revision before that revision is written: both tables refresh it.
  `CREATE FUNCTION search_pages_refresh(page text) RETURNS void LANGUAGE sql AS $$
     INSERT INTO search_pages (path, vector)
       SELECT p.path, setweight(to_tsvector('simple', p.title), 'A')
         || setweight(to_tsvector('simple', r.markdown), 'D')
       FROM wiki_pages p JOIN wiki_revisions r ON r.path = p.path AND r.revision = p.revision
       WHERE p.path = page
     ON CONFLICT (path) DO UPDATE SET vector = EXCLUDED.vector
   $$`,
  `CREATE FUNCTION search_pages_sync() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN PERFORM search_pages_refresh(NEW.path); RETURN NULL; END $$`,
  `CREATE TRIGGER wiki_pages_search AFTER INSERT OR UPDATE ON wiki_pages
     FOR EACH ROW EXECUTE FUNCTION search_pages_sync()`,
  `CREATE TRIGGER wiki_revisions_search AFTER INSERT ON wiki_revisions
     FOR EACH ROW EXECUTE FUNCTION search_pages_sync()`,
  // Whatever was written before this migration.
  `INSERT INTO search_tickets (id, private, service, requester, vector)
     SELECT t.id, t.private, t.service, t.requester, ${TICKET_VECTOR} FROM tickets t`,
  `INSERT INTO search_comments (id, ticket_id, private, ticket_private, service, requester, vector)
     SELECT i.id, t.id, i.private, t.private, t.service, t.requester,
       to_tsvector('simple', coalesce(i.body, ''))
     FROM ticket_items i JOIN tickets t ON t.id = i.ticket_id WHERE i.kind = 'comment'`,
  'SELECT search_pages_refresh(path) FROM wiki_pages',
];
