import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { memberOf } from '../auth/index.ts';
import type { CoopService } from '../coop/coop.service.ts';
import type { Schema } from '../db/schema.ts';
import type { LogService } from '../log/log.service.ts';
import { WikiRepository } from './wiki.repo.ts';
import { wikiRoutes } from './wiki.routes.ts';
import { WikiService } from './wiki.service.ts';

/** What the wiki needs from the rest of the server. */
export type WikiDependencies = {
  database: { db: Kysely<Schema> };
  coop: CoopService;
  log: LogService;
  now?: () => Date;
};

/** The wiki: pages in a path hierarchy, revisions, rendering, generated pages. */
export type Wiki = { service: WikiService; routes(app: FastifyInstance): void };

export function openWiki(deps: WikiDependencies): Promise<Wiki> {
  const service = new WikiService({
    repo: new WikiRepository(deps.database),
    coop: deps.coop,
    log: deps.log,
    now: deps.now,
  });
  return Promise.resolve({
    service,
    routes(app) {
      wikiRoutes(app, service, {
        requireMember: async (request) => (await memberOf(request)).handle,
      });
    },
  });
}
