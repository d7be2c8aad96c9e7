import { z } from 'zod';
import { Handle, WikiPath } from './coop.ts';
import { ErrorBody } from './errors.ts';

/**
 * JSON shapes of the wiki's API, shared by the server, the CLI and the web app. Pages live in a
 * path hierarchy (`services/mail`); every save is a numbered revision, and a save names the
 * revision it was based on, so that an edit of an old revision is a conflict, never a silent
 * overwrite.
 */

/** The largest page: 512 KiB of Markdown, as UTF-8. */
export const WIKI_MAX_MARKDOWN_BYTES = 512 * 1024;
/** The largest attachment: 10 MiB. */
export const WIKI_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** A revision's message, in characters. */
export const WIKI_MAX_MESSAGE = 500;

const Revision = z.number().int().min(0);
const Time = z.string();

/** An attachment's name: letters, digits, ".", "_" and "-" (no path, no spaces). */
export const AttachmentName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, {
  message: 'an attachment name is 1 to 100 letters, digits, ".", "_" or "-"',
});

export const WikiAttachment = z.object({
  name: AttachmentName,
  contentType: z.string(),
  size: z.number().int().min(0),
  /** SHA-256 of the bytes, hex. */
  sha256: z.string(),
  uploadedBy: Handle,
  uploadedAt: Time,
  /** Where the bytes are served. */
  url: z.string(),
});
export type WikiAttachment = z.infer<typeof WikiAttachment>;

export const WikiPage = z.object({
  path: WikiPath,
  /** The current revision; 0 for a generated page, which has none. */
  revision: Revision,
  /** The first heading, else the path. */
  title: z.string(),
  markdown: z.string(),
  /** The Markdown rendered to HTML: raw HTML escaped, dangerous URLs dropped. */
  html: z.string(),
  updatedAt: Time,
  /** Who saved the current revision; null for a generated page. */
  author: Handle.nullable(),
  /** Pages whose current revision links here. */
  backlinks: z.array(WikiPath),
  attachments: z.array(WikiAttachment),
  /** Built from the cooperative's live data at each request; read-only. */
  generated: z.boolean(),
});
export type WikiPage = z.infer<typeof WikiPage>;

export const WikiPageSummary = z.object({
  path: WikiPath,
  title: z.string(),
  updatedAt: Time,
  revision: Revision,
  generated: z.boolean(),
});
export type WikiPageSummary = z.infer<typeof WikiPageSummary>;
export const WikiPageList = z.object({ pages: z.array(WikiPageSummary) });
export type WikiPageList = z.infer<typeof WikiPageList>;

/** A save: the whole new text, and the revision it was based on (0 for a new page). */
export const WikiSave = z.object({
  markdown: z.string(),
  message: z.string().max(WIKI_MAX_MESSAGE).default(''),
  baseRevision: Revision,
});
export type WikiSave = z.input<typeof WikiSave>;

export const WikiRevisionInfo = z.object({
  revision: Revision.min(1),
  author: Handle,
  message: z.string(),
  createdAt: Time,
  /** The Markdown's size in bytes. */
  size: z.number().int().min(0),
});
export type WikiRevisionInfo = z.infer<typeof WikiRevisionInfo>;
export const WikiRevisionList = z.object({ path: WikiPath, revisions: z.array(WikiRevisionInfo) });
export type WikiRevisionList = z.infer<typeof WikiRevisionList>;

export const WikiRevision = WikiRevisionInfo.extend({
  path: WikiPath,
  markdown: z.string(),
  html: z.string(),
});
export type WikiRevision = z.infer<typeof WikiRevision>;

export const WikiDiffHunk = z.object({
  op: z.enum(['equal', 'insert', 'delete']),
  text: z.string(),
});
export type WikiDiffHunk = z.infer<typeof WikiDiffHunk>;
export const WikiDiff = z.object({
  path: WikiPath,
  /** 0 stands for the empty page before the first revision. */
  from: Revision,
  to: Revision,
  hunks: z.array(WikiDiffHunk),
});
export type WikiDiff = z.infer<typeof WikiDiff>;

/** A preview: Markdown that is not saved, rendered as a save would render it. */
export const WikiPreviewRequest = z.object({ markdown: z.string() });
export type WikiPreviewRequest = z.infer<typeof WikiPreviewRequest>;

export const WikiPreview = z.object({
  /** The first heading's text, as a saved page's title would be; null without one. */
  title: z.string().nullable(),
  /** The same sanitised HTML that a page with this text would serve. */
  html: z.string(),
});
export type WikiPreview = z.infer<typeof WikiPreview>;

export const WikiRestore = z.object({
  revision: Revision.min(1),
  message: z.string().max(WIKI_MAX_MESSAGE).optional(),
});
export type WikiRestore = z.infer<typeof WikiRestore>;

/**
 * 409 WIKI_CONFLICT: the page moved on since the revision the save was based on. `current` is
 * what is there now, so that the editor can show both and the member can merge; nothing was
 * written.
 */
export const WikiConflictBody = ErrorBody.extend({
  current: z.object({
    revision: Revision,
    markdown: z.string(),
    author: Handle.nullable(),
    updatedAt: Time,
  }),
});
export type WikiConflictBody = z.infer<typeof WikiConflictBody>;
