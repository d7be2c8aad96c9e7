// Addresses of the app's pages, in one place so that links and routes agree.

export function entryPath(index: number): string {
  return `/log/entries/${index}`;
}

export function memberPath(handle: string): string {
  return `/members/${encodeURIComponent(handle)}`;
}

export function servicePath(slug: string): string {
  return `/services/${encodeURIComponent(slug)}`;
}

export function proposalPath(id: string): string {
  return `/proposals/${encodeURIComponent(id)}`;
}

/** The sign-in page, returning to `next` afterwards. */
export function loginPath(next?: string): string {
  return next && next !== '/login' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

export function accessRequestPath(id: number): string {
  return `/access/${id}`;
}

export function ticketPath(id: number): string {
  return `/desk/${id}`;
}

/** A wiki page, or one of its views (`edit`, `history`, `revisions/3`, `diff/1..2`). */
export function wikiPath(path: string, view?: string): string {
  return view === undefined ? `/wiki/${path}` : `/wiki/${path}/-/${view}`;
}

export function sessionPath(id: string): string {
  return `/sessions/${encodeURIComponent(id)}`;
}
