import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { memberOf, optionalMemberOf } from '../auth/index.ts';
import type { CoopService } from '../coop/coop.service.ts';
import type { Schema } from '../db/schema.ts';
import type { LogService } from '../log/log.service.ts';
import { TicketRepository } from './ticket.repo.ts';
import { ticketRoutes } from './ticket.routes.ts';
import { TicketService } from './ticket.service.ts';

export type { TicketService } from './ticket.service.ts';

/** What the desk needs from the rest of the server. */
export type DeskDependencies = {
  database: { db: Kysely<Schema> };
  coop: CoopService;
  log: LogService;
  now?: () => Date;
};

/** The help desk: tickets, their routing, comments and timeline. */
export type Desk = { tickets: TicketService; routes(app: FastifyInstance): void };

export async function openDesk(deps: DeskDependencies): Promise<Desk> {
  const tickets = await TicketService.open({
    repo: new TicketRepository(deps.database),
    coop: deps.coop,
    log: deps.log,
    now: deps.now,
  });
  return {
    tickets,
    routes(app) {
      ticketRoutes(app, tickets, {
        viewer: async (request) => (await optionalMemberOf(request))?.handle,
        requireMember: async (request) => (await memberOf(request)).handle,
      });
    },
  };
}
