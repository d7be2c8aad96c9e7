import { SearchResults } from '@allmende/protocol';
import { requestJson } from '../api/client.ts';

/** The one search over wiki pages and tickets (public; a member also finds what they may read). */
export function fetchSearch(q: string, signal?: AbortSignal): Promise<SearchResults> {
  return requestJson(`/api/search?${new URLSearchParams({ q })}`, SearchResults, { signal });
}
