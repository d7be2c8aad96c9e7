import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { optionalMemberOf } from '../auth/index.ts';
import type { Dialect } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { Desk } from '../desk/index.ts';
import type { Wiki } from '../wiki/index.ts';
import { SearchRepository } from './search.repo.ts';
import { searchRoutes } from './search.routes.ts';
import { SearchService } from './search.service.ts';

/** What the search needs: the database (its index is kept by the database itself) and the desk's privacy rule. */
export type SearchDependencies = {
  database: { db: Kysely<Schema>; dialect: Dialect };
  desk: Desk;
  /** Not read: the wiki's pages are indexed by the database; named so the wiring stays explicit. */
  wiki: Wiki;
};

export type Search = { service: SearchService; routes(app: FastifyInstance): void };

export function openSearch(deps: SearchDependencies): Search {
  const service = new SearchService({
    repo: new SearchRepository(deps.database),
    privacy: deps.desk.tickets,
  });
  return {
    service,
    routes(app) {
      searchRoutes(app, service, {
        viewer: async (request) => (await optionalMemberOf(request))?.handle,
      });
    },
  };
}
