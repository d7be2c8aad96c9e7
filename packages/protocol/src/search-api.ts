import { z } from 'zod';

/**
 * JSON shapes of the one search over wiki pages and tickets. A snippet is HTML whose only markup
 * is `<mark>` around the hits; everything else in it is escaped text.
 */

export const SEARCH_MAX_QUERY = 200;
export const SEARCH_MAX_LIMIT = 50;
export const SEARCH_DEFAULT_LIMIT = 20;

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(SEARCH_MAX_QUERY),
  limit: z.coerce.number().int().min(1).max(SEARCH_MAX_LIMIT).default(SEARCH_DEFAULT_LIMIT),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchResult = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('page'),
    path: z.string(),
    title: z.string(),
    snippet: z.string(),
    rank: z.number(),
  }),
  z.object({
    kind: z.literal('ticket'),
    id: z.number().int(),
    title: z.string(),
    snippet: z.string(),
    rank: z.number(),
  }),
]);
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchResults = z.object({ results: z.array(SearchResult) });
export type SearchResults = z.infer<typeof SearchResults>;
