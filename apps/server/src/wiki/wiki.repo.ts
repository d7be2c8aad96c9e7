import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

export type PageRow = Schema['wiki_pages'];
export type RevisionRow = Schema['wiki_revisions'];
export type AttachmentRow = Schema['wiki_attachments'];
export type AttachmentInfoRow = Omit<AttachmentRow, 'bytes'>;

/** A save as the service prepared it: the text, and what it derived from it. */
export type NewRevision = {
  path: string;
  /** The revision the member edited; 0 for a new page. */
  base: number;
  markdown: string;
  html: string;
  renderVersion: number;
  title: string;
  author: string;
  message: string;
  createdAt: string;
  /** The wiki paths the text links to. */
  links: string[];
};

/** The wiki's tables. Only this file speaks SQL for the wiki. */
export class WikiRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: { db: Kysely<Schema> }) {
    this.#db = database.db;
  }

  /**
   * Writes revision `base + 1`, if the page is still at `base`: the page row is the point of
   * decision (an insert for a new page, a conditional update for an existing one), so of two
   * saves on one base exactly one wins, on SQLite and on PostgreSQL alike.
   * @returns the new revision's number, or undefined if the page moved on (nothing written)
   */
  async saveRevision(save: NewRevision): Promise<number | undefined> {
    const revision = save.base + 1;
    return this.#db.transaction().execute(async (trx) => {
      const page = {
        title: save.title,
        revision,
        author: save.author,
        updated_at: save.createdAt,
      };
      if (save.base === 0) {
        const inserted = await trx
          .insertInto('wiki_pages')
          .values({ path: save.path, ...page })
          .onConflict((oc) => oc.column('path').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined;
      } else {
        const updated = await trx
          .updateTable('wiki_pages')
          .set(page)
          .where('path', '=', save.path)
          .where('revision', '=', save.base)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return undefined;
      }
      await trx
        .insertInto('wiki_revisions')
        .values({
          path: save.path,
          revision,
          markdown: save.markdown,
          size: Buffer.byteLength(save.markdown, 'utf8'),
          html: save.html,
          render_version: save.renderVersion,
          author: save.author,
          message: save.message,
          created_at: save.createdAt,
        })
        .execute();
      await trx.deleteFrom('wiki_links').where('from_path', '=', save.path).execute();
      if (save.links.length > 0) {
        await trx
          .insertInto('wiki_links')
          .values(save.links.map((to) => ({ from_path: save.path, to_path: to })))
          .execute();
      }
      return revision;
    });
  }

  async page(
    path: string,
  ): Promise<(PageRow & Pick<RevisionRow, 'markdown' | 'html' | 'render_version'>) | undefined> {
    return this.#db
      .selectFrom('wiki_pages as p')
      .innerJoin('wiki_revisions as r', (join) =>
        join.onRef('r.path', '=', 'p.path').onRef('r.revision', '=', 'p.revision'),
      )
      .select([
        'p.path',
        'p.title',
        'p.revision',
        'p.author',
        'p.updated_at',
        'r.markdown',
        'r.html',
        'r.render_version',
      ])
      .where('p.path', '=', path)
      .executeTakeFirst();
  }

  async pages(prefix: string | undefined): Promise<PageRow[]> {
    let query = this.#db.selectFrom('wiki_pages').selectAll().orderBy('path');
    if (prefix !== undefined) {
      // Not LIKE: "_" is a wildcard there and may be part of a path. Not a range either:
      // PostgreSQL compares text in the database's collation, not by code point.
      const under = `${prefix}/`;
      query = query.where((eb) =>
        eb.or([
          eb('path', '=', prefix),
          eb(eb.fn<string>('substr', ['path', eb.val(1), eb.val(under.length)]), '=', under),
        ]),
      );
    }
    return query.execute();
  }

  async revisions(
    path: string,
  ): Promise<Omit<RevisionRow, 'markdown' | 'html' | 'render_version'>[]> {
    return this.#db
      .selectFrom('wiki_revisions')
      .select(['path', 'revision', 'size', 'author', 'message', 'created_at'])
      .where('path', '=', path)
      .orderBy('revision', 'desc')
      .execute();
  }

  async revision(path: string, revision: number): Promise<RevisionRow | undefined> {
    return this.#db
      .selectFrom('wiki_revisions')
      .selectAll()
      .where('path', '=', path)
      .where('revision', '=', revision)
      .executeTakeFirst();
  }

  async backlinks(path: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('wiki_links')
      .select('from_path')
      .where('to_path', '=', path)
      .where('from_path', '!=', path)
      .orderBy('from_path')
      .execute();
    return rows.map((r) => r.from_path);
  }

  async attachments(path: string): Promise<AttachmentInfoRow[]> {
    return this.#db
      .selectFrom('wiki_attachments')
      .select(['path', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'uploaded_at'])
      .where('path', '=', path)
      .orderBy('name')
      .execute();
  }

  async attachment(path: string, name: string): Promise<AttachmentRow | undefined> {
    return this.#db
      .selectFrom('wiki_attachments')
      .selectAll()
      .where('path', '=', path)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** @returns false if the page already has an attachment of that name (nothing written) */
  async insertAttachment(row: AttachmentRow): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('wiki_attachments')
      .values(row)
      .onConflict((oc) => oc.columns(['path', 'name']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
