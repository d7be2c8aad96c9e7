import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * The wiki: pages, their revisions (the Markdown of every save), the links of each page's
 * current revision (for backlinks), and attachments (their bytes in the database, so that a
 * backup of the database is a backup of the wiki).
 */
export function wikiMigration(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('wiki_pages')
        .addColumn('path', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('wiki_revisions')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('markdown', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('render_version', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('wiki_revisions_pk', ['path', 'revision'])
        .execute();
      await db.schema
        .createTable('wiki_links')
        .addColumn('from_path', 'text', (c) => c.notNull())
        .addColumn('to_path', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('wiki_links_pk', ['from_path', 'to_path'])
        .execute();
      await db.schema.createIndex('wiki_links_to').on('wiki_links').column('to_path').execute();
      await db.schema
        .createTable('wiki_attachments')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('wiki_attachments_pk', ['path', 'name'])
        .execute();
    },
  };
}
