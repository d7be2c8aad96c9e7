import {
  WikiAttachment,
  WikiConflictBody,
  WikiDiff,
  WikiPage,
  WikiPageList,
  WikiPreview,
  WikiRevision,
  WikiRevisionList,
  type WikiSave,
} from '@allmende/protocol';
import { ApiError, hasCode, requestJson } from './client.ts';

// The wiki's API (the contract's /api/wiki/pages/{path}): reads are public, saves need a member.
// A page's path is lowercase segments joined by "/", so each segment is encoded on its own.

function pagePath(path: string): string {
  return `/api/wiki/pages/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function fetchWikiPages(signal?: AbortSignal): Promise<WikiPageList> {
  return requestJson('/api/wiki/pages', WikiPageList, { signal });
}

export function fetchWikiPage(path: string, signal?: AbortSignal): Promise<WikiPage> {
  return requestJson(pagePath(path), WikiPage, { signal });
}

export function fetchRevisions(path: string, signal?: AbortSignal): Promise<WikiRevisionList> {
  return requestJson(`${pagePath(path)}/revisions`, WikiRevisionList, { signal });
}

export function fetchRevision(
  path: string,
  revision: number,
  signal?: AbortSignal,
): Promise<WikiRevision> {
  return requestJson(`${pagePath(path)}/revisions/${revision}`, WikiRevision, { signal });
}

export function fetchDiff(
  path: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<WikiDiff> {
  const params = new URLSearchParams({ from: String(from), to: String(to) });
  return requestJson(`${pagePath(path)}/diff?${params}`, WikiDiff, { signal });
}

/** What a save found: the new page, or the revision someone else saved in between. */
export type SaveOutcome =
  | { kind: 'saved'; page: WikiPage }
  | { kind: 'conflict'; current: WikiConflictBody['current']; message: string };

/** Saves a page; a 409 WIKI_CONFLICT is an outcome to show, never an overwrite. */
export async function saveWikiPage(path: string, save: WikiSave): Promise<SaveOutcome> {
  try {
    return {
      kind: 'saved',
      page: await requestJson(pagePath(path), WikiPage, { method: 'PUT', body: save }),
    };
  } catch (error) {
    if (!(error instanceof ApiError) || !hasCode(error, 'WIKI_CONFLICT')) throw error;
    const body = WikiConflictBody.safeParse(error.body);
    if (!body.success) throw error;
    return { kind: 'conflict', current: body.data.current, message: body.data.error.message };
  }
}

/** Renders unsaved Markdown on the server, as a save would: the same sanitised HTML. */
export function previewWikiPage(markdown: string, signal?: AbortSignal): Promise<WikiPreview> {
  return requestJson('/api/wiki/preview', WikiPreview, {
    method: 'POST',
    body: { markdown },
    signal,
  });
}

export function restoreRevision(path: string, revision: number): Promise<WikiPage> {
  return requestJson(`${pagePath(path)}/restore`, WikiPage, {
    method: 'POST',
    body: { revision },
  });
}

/** Attaches a file to a page; the server keeps at most 10 MiB and never reuses a name. */
export function attachFile(path: string, name: string, file: Blob): Promise<WikiAttachment> {
  return requestJson(`${pagePath(path)}/attachments/${encodeURIComponent(name)}`, WikiAttachment, {
    method: 'POST',
    bytes: { data: file, type: file.type || 'application/octet-stream' },
  });
}
