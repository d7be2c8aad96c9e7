import { ErrorBody, SearchQuery, SearchResults } from '@allmende/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SearchService } from './search.service.ts';

/** The one search: public, and each viewer finds only what they may read. */
export function searchRoutes(
  app: FastifyInstance,
  search: SearchService,
  auth: { viewer(request: FastifyRequest): Promise<string | undefined> },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/search',
    {
      schema: {
        summary: 'Search wiki pages and tickets, ranked, with highlighted snippets',
        description:
          'A snippet is HTML whose only markup is <mark> around the hits. Private tickets and comments are searched only for those allowed to read them.',
        tags: ['search'],
        querystring: SearchQuery,
        response: { 200: SearchResults, 400: ErrorBody },
      },
    },
    async (request) => ({
      results: await search.search(
        await auth.viewer(request),
        request.query.q,
        request.query.limit,
      ),
    }),
  );
}
