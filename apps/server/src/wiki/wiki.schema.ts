/**
 * The wiki's tables. A page's text lives only in its revisions; `wiki_pages` says which one is
 * current, and is the row a save locks to find out whether the page moved on. `wiki_links`
 * holds the links of each page's current revision, for backlinks.
 */
export type WikiTables = {
  wiki_pages: {
    path: string;
    title: string;
    revision: number;
    author: string;
    updated_at: string;
  };
  wiki_revisions: {
    path: string;
    revision: number;
    markdown: string;
    /** The Markdown's size in bytes (UTF-8). */
    size: number;
    /** The Markdown rendered at save time: rendering is slow for long texts, reads are many. */
    html: string;
    /** RENDER_VERSION of the renderer that made `html`; an older one is rendered again. */
    render_version: number;
    author: string;
    message: string;
    created_at: string;
  };
  wiki_links: { from_path: string; to_path: string };
  wiki_attachments: {
    path: string;
    name: string;
    content_type: string;
    size: number;
    sha256: string;
    bytes: Uint8Array;
    uploaded_by: string;
    uploaded_at: string;
  };
};
