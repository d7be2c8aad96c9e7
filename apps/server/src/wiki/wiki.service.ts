import { createHash } from 'node:crypto';
import {
  AttachmentName,
  WIKI_MAX_ATTACHMENT_BYTES,
  WIKI_MAX_MARKDOWN_BYTES,
  WIKI_MAX_MESSAGE,
  WikiPath,
  type WikiAttachment,
  type WikiConflictBody,
  type WikiDiff,
  type WikiPage,
  type WikiPageSummary,
  type WikiPreview,
  type WikiRevision,
  type WikiRevisionInfo,
} from '@allmende/protocol';
import { diffLines } from 'diff';
import type { CoopService } from '../coop/coop.service.ts';
import { AppError } from '../errors.ts';
import type { LogService } from '../log/log.service.ts';
import { generatedMarkdown, generatedPaths, isGeneratedPath } from './generated.ts';
import { RENDER_VERSION, renderMarkdown } from './render.ts';
import type { AttachmentInfoRow, WikiRepository } from './wiki.repo.ts';

/** Segments that name a page's sub-resources in the API, so never part of a page's path. */
export const RESERVED_SEGMENTS = ['revisions', 'diff', 'restore', 'attachments'] as const;

/** A save based on a revision that is no longer current; carries what is current now. */
export class WikiConflict extends AppError {
  readonly current: WikiConflictBody['current'];

  constructor(path: string, base: number, current: WikiConflictBody['current']) {
    super(
      'WIKI_CONFLICT',
      `${path} is at revision ${current.revision}${current.author ? ` (by ${current.author})` : ''}, not ${base}: merge your edit into it and save again; nothing was saved`,
    );
    this.current = current;
  }
}

export type WikiServiceOptions = {
  repo: WikiRepository;
  coop: CoopService;
  log: LogService;
  now?: () => Date;
};

/**
 * The wiki's rules: pages in a path hierarchy whose every save is a revision; a save names the
 * revision it edited and is refused if the page moved on; generated pages are read-only.
 *
 * Live co-editing will add a Yjs document per page beside its revisions (a `wiki_ydocs` table
 * keyed by path holding the encoded document state, fed by a /ws/wiki/<path> channel); a
 * revision stays what it is now, a snapshot of the Markdown text with an author and a message,
 * written when an editing session is saved. Nothing here depends on how the text was typed.
 */
export class WikiService {
  readonly #repo: WikiRepository;
  readonly #coop: CoopService;
  readonly #log: LogService;
  readonly #now: () => Date;

  constructor(options: WikiServiceOptions) {
    this.#repo = options.repo;
    this.#coop = options.coop;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  async list(prefix?: string): Promise<WikiPageSummary[]> {
    if (prefix !== undefined) checkPath(prefix);
    const stored = (await this.#repo.pages(prefix)).map((row) => ({
      path: row.path,
      title: row.title,
      updatedAt: row.updated_at,
      revision: row.revision,
      generated: false,
    }));
    const now = this.#now().toISOString();
    const generated = generatedPaths()
      .filter((p) => prefix === undefined || p.path === prefix || p.path.startsWith(`${prefix}/`))
      .map((p) => ({ ...p, updatedAt: now, revision: 0, generated: true }));
    return [...stored, ...generated].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  /** @throws AppError WIKI_BAD_PATH, WIKI_PAGE_NOT_FOUND */
  async page(path: string): Promise<WikiPage> {
    checkPath(path);
    if (isGeneratedPath(path)) {
      const markdown = generatedMarkdown(path, { coop: this.#coop, log: this.#log });
      if (markdown === undefined) throw notFound(path);
      const rendered = renderMarkdown(markdown);
      return {
        path,
        revision: 0,
        title: rendered.title ?? path,
        markdown,
        html: rendered.html,
        updatedAt: this.#now().toISOString(),
        author: null,
        backlinks: await this.#repo.backlinks(path),
        attachments: [],
        generated: true,
      };
    }
    const row = await this.#repo.page(path);
    if (!row) throw notFound(path);
    return {
      path,
      revision: row.revision,
      title: row.title,
      markdown: row.markdown,
      html: htmlOf(row),
      updatedAt: row.updated_at,
      author: row.author,
      backlinks: await this.#repo.backlinks(path),
      attachments: (await this.#repo.attachments(path)).map(attachmentInfo),
      generated: false,
    };
  }

  /**
   * Renders Markdown that is not saved, with the same checks and the same renderer as a save,
   * so that the preview shows exactly the HTML the page would serve.
   * @throws AppError WIKI_TOO_LARGE, BAD_REQUEST
   */
  preview(markdown: string): WikiPreview {
    checkText(markdown, '');
    const rendered = renderMarkdown(markdown);
    return { title: rendered.title ?? null, html: rendered.html };
  }

  /**
   * Saves a new revision of a page, based on `baseRevision` (0 for a new page).
   * @throws WikiConflict (WIKI_CONFLICT) if the page is no longer at `baseRevision`
   * @throws AppError WIKI_BAD_PATH, WIKI_READ_ONLY, WIKI_TOO_LARGE, BAD_REQUEST
   */
  async save(
    path: string,
    input: { markdown: string; message: string; baseRevision: number },
    author: string,
  ): Promise<WikiPage> {
    checkWritable(path);
    checkText(input.markdown, input.message);
    const rendered = renderMarkdown(input.markdown);
    const revision = await this.#repo.saveRevision({
      path,
      base: input.baseRevision,
      markdown: input.markdown,
      html: rendered.html,
      renderVersion: RENDER_VERSION,
      title: rendered.title ?? path,
      author,
      message: input.message,
      createdAt: this.#now().toISOString(),
      links: rendered.links.filter((to) => to !== path),
    });
    if (revision === undefined) {
      const current = await this.#repo.page(path);
      throw new WikiConflict(path, input.baseRevision, {
        revision: current?.revision ?? 0,
        markdown: current?.markdown ?? '',
        author: current?.author ?? null,
        updatedAt: current?.updated_at ?? '',
      });
    }
    return this.page(path);
  }

  /**
   * A new revision with an old revision's text.
   * @throws AppError WIKI_REVISION_NOT_FOUND, WIKI_CONFLICT (a save came in between)
   */
  async restore(
    path: string,
    revision: number,
    message: string | undefined,
    author: string,
  ): Promise<WikiPage> {
    checkWritable(path);
    const current = await this.#repo.page(path);
    if (!current) throw notFound(path);
    const old = await this.#revisionRow(path, revision);
    return this.save(
      path,
      {
        markdown: old.markdown,
        message: message?.trim() ? message : `Restore revision ${revision}`,
        baseRevision: current.revision,
      },
      author,
    );
  }

  /** @throws AppError WIKI_BAD_PATH, WIKI_PAGE_NOT_FOUND */
  async revisions(path: string): Promise<WikiRevisionInfo[]> {
    checkPath(path);
    const rows = await this.#repo.revisions(path);
    if (rows.length === 0) throw notFound(path);
    return rows.map((r) => ({
      revision: r.revision,
      author: r.author,
      message: r.message,
      createdAt: r.created_at,
      size: r.size,
    }));
  }

  /** @throws AppError WIKI_BAD_PATH, WIKI_REVISION_NOT_FOUND */
  async revision(path: string, revision: number): Promise<WikiRevision> {
    checkPath(path);
    const row = await this.#revisionRow(path, revision);
    return {
      path,
      revision: row.revision,
      author: row.author,
      message: row.message,
      createdAt: row.created_at,
      size: row.size,
      markdown: row.markdown,
      html: htmlOf(row),
    };
  }

  /**
   * A line diff from revision `from` to revision `to` (0: the empty page before the first).
   * @throws AppError WIKI_BAD_PATH, WIKI_REVISION_NOT_FOUND
   */
  async diff(path: string, from: number, to: number): Promise<WikiDiff> {
    checkPath(path);
    const [a, b] = await Promise.all([this.#textAt(path, from), this.#textAt(path, to)]);
    // Myers' diff is O(N·D) and anyone may ask for one: past 2,000 changed lines or 250 ms,
    // the answer is a whole replacement rather than a request that computes for seconds.
    const changes = diffLines(a, b, { timeout: 250, maxEditLength: 2000 });
    const hunks =
      changes === undefined
        ? [
            ...(a ? [{ op: 'delete' as const, text: a }] : []),
            ...(b ? [{ op: 'insert' as const, text: b }] : []),
          ]
        : changes.map((c) => ({
            op: c.added
              ? ('insert' as const)
              : c.removed
                ? ('delete' as const)
                : ('equal' as const),
            text: c.value,
          }));
    return { path, from, to, hunks };
  }

  /**
   * Attaches a file to a page; a name is never reused on a page, so nothing is overwritten.
   * @throws AppError WIKI_PAGE_NOT_FOUND, WIKI_ATTACHMENT_EXISTS, WIKI_TOO_LARGE, BAD_REQUEST
   */
  async attach(
    path: string,
    name: string,
    contentType: string | undefined,
    bytes: Uint8Array,
    author: string,
  ): Promise<WikiAttachment> {
    checkWritable(path);
    checkAttachmentName(name);
    if (bytes.length === 0) throw new AppError('BAD_REQUEST', 'an attachment needs content');
    if (bytes.length > WIKI_MAX_ATTACHMENT_BYTES) {
      throw new AppError(
        'WIKI_TOO_LARGE',
        `an attachment is at most ${WIKI_MAX_ATTACHMENT_BYTES} bytes`,
      );
    }
    if (!(await this.#repo.page(path))) throw notFound(path);
    const row = {
      path,
      name,
      content_type: mediaType(contentType),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
      uploaded_by: author,
      uploaded_at: this.#now().toISOString(),
    };
    if (!(await this.#repo.insertAttachment(row))) {
      throw new AppError(
        'WIKI_ATTACHMENT_EXISTS',
        `${path} has an attachment named ${name} already; choose another name`,
      );
    }
    return attachmentInfo(row);
  }

  async attachments(path: string): Promise<WikiAttachment[]> {
    checkPath(path);
    return (await this.#repo.attachments(path)).map(attachmentInfo);
  }

  /** An attachment's bytes and type (see sendFile for how they are served). @throws AppError WIKI_ATTACHMENT_NOT_FOUND */
  async attachment(
    path: string,
    name: string,
  ): Promise<{ bytes: Uint8Array; contentType: string; name: string }> {
    checkPath(path);
    checkAttachmentName(name);
    const row = await this.#repo.attachment(path, name);
    if (!row) {
      throw new AppError('WIKI_ATTACHMENT_NOT_FOUND', `${path} has no attachment named ${name}`);
    }
    return { bytes: row.bytes, contentType: row.content_type, name };
  }

  async #revisionRow(path: string, revision: number) {
    const row = await this.#repo.revision(path, revision);
    if (!row) {
      throw new AppError('WIKI_REVISION_NOT_FOUND', `${path} has no revision ${revision}`);
    }
    return row;
  }

  async #textAt(path: string, revision: number): Promise<string> {
    return revision === 0 ? '' : (await this.#revisionRow(path, revision)).markdown;
  }
}

/** @throws AppError WIKI_BAD_PATH */
export function checkPath(path: string): void {
  const parsed = WikiPath.safeParse(path);
  if (!parsed.success) {
    throw new AppError(
      'WIKI_BAD_PATH',
      `${JSON.stringify(path.slice(0, 220))}: ${parsed.error.issues[0]?.message ?? 'not a wiki path'}`,
    );
  }
  const reserved = path
    .split('/')
    .find((s) => (RESERVED_SEGMENTS as readonly string[]).includes(s));
  if (reserved) {
    throw new AppError(
      'WIKI_BAD_PATH',
      `"${reserved}" names a part of a page in the API and cannot be part of a path`,
    );
  }
}

function checkWritable(path: string): void {
  checkPath(path);
  if (isGeneratedPath(path)) {
    throw new AppError(
      'WIKI_READ_ONLY',
      `${path} is generated from the cooperative's live data and cannot be edited`,
    );
  }
}

function checkAttachmentName(name: string): void {
  const parsed = AttachmentName.safeParse(name);
  if (!parsed.success || name === '.' || name === '..') {
    throw new AppError(
      'WIKI_BAD_PATH',
      'an attachment name is 1 to 100 letters, digits, ".", "_" or "-"',
    );
  }
}

function checkText(markdown: string, message: string): void {
  const size = Buffer.byteLength(markdown, 'utf8');
  if (size > WIKI_MAX_MARKDOWN_BYTES) {
    throw new AppError(
      'WIKI_TOO_LARGE',
      `a page is at most ${WIKI_MAX_MARKDOWN_BYTES} bytes of Markdown, not ${size}`,
    );
  }
  if (message.length > WIKI_MAX_MESSAGE) {
    throw new AppError('BAD_REQUEST', `a message is at most ${WIKI_MAX_MESSAGE} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(markdown + message)) {
    throw new AppError('BAD_REQUEST', 'the text contains control characters');
  }
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type)
    ? type
    : 'application/octet-stream';
}

/** The HTML stored with a revision, unless an older renderer made it. */
function htmlOf(row: { markdown: string; html: string; render_version: number }): string {
  return row.render_version === RENDER_VERSION ? row.html : renderMarkdown(row.markdown).html;
}

function notFound(path: string): AppError {
  return new AppError('WIKI_PAGE_NOT_FOUND', `there is no wiki page ${path}`);
}

function attachmentInfo(row: AttachmentInfoRow): WikiAttachment {
  return {
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
    url: `/api/wiki/pages/${row.path}/attachments/${row.name}`,
  };
}
