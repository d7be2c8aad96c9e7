import {
  ErrorBody,
  NewComment,
  NewTicket,
  ServiceDesk,
  ServiceSlug,
  Ticket,
  TicketChanges,
  TicketId,
  TicketList,
  TicketQuery,
  Timeline,
  TimelineItem,
  WatchChange,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TicketService } from './ticket.service.ts';

/** Who is asking: answered by sign-in (auth/). */
export type DeskViewer = {
  viewer(request: FastifyRequest): Promise<string | undefined>;
  /** @throws AppError UNAUTHORIZED */
  requireMember(request: FastifyRequest): Promise<string>;
};

const Params = z.object({ id: TicketId });
const reads = { 400: ErrorBody, 404: ErrorBody };
const writes = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody };

/** The help desk's API. Reads are public, with private content redacted; writes need a member. */
export function ticketRoutes(app: FastifyInstance, desk: TicketService, auth: DeskViewer): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['help desk'];

  api.get(
    '/api/tickets',
    {
      schema: {
        summary:
          'Tickets, newest first: all, mine=1, queue=1 (my services), assignee=, unassigned=1',
        tags,
        querystring: TicketQuery,
        response: { 200: TicketList, 401: ErrorBody, ...reads },
      },
    },
    async (request) => desk.list(await auth.viewer(request), request.query),
  );
  api.post(
    '/api/tickets',
    {
      schema: {
        summary: 'Open a ticket (members); its opening goes into the public log',
        tags,
        body: NewTicket,
        response: { 201: Ticket, ...writes },
      },
    },
    async (request, reply) => {
      const handle = await auth.requireMember(request);
      return reply.status(201).send(await desk.openTicket(handle, request.body));
    },
  );
  api.get(
    '/api/tickets/:id',
    {
      schema: {
        summary: 'A ticket (a private one without its content, unless you may see it)',
        tags,
        params: Params,
        response: { 200: Ticket, ...reads },
      },
    },
    async (request) => desk.ticket(await auth.viewer(request), request.params.id),
  );
  api.patch(
    '/api/tickets/:id',
    {
      schema: {
        summary: 'Change status, priority, labels, privacy, service or assignee (take it)',
        tags,
        params: Params,
        body: TicketChanges,
        response: { 200: Ticket, 409: ErrorBody, ...writes },
      },
    },
    async (request) =>
      desk.update(await auth.requireMember(request), request.params.id, request.body),
  );
  api.get(
    '/api/tickets/:id/comments',
    {
      schema: {
        summary: 'The comments of a ticket',
        tags,
        params: Params,
        response: { 200: Timeline, ...reads },
      },
    },
    async (request) => ({
      items: await desk.comments(await auth.viewer(request), request.params.id),
    }),
  );
  api.post(
    '/api/tickets/:id/comments',
    {
      schema: {
        summary: 'Comment on a ticket, publicly or privately',
        tags,
        params: Params,
        body: NewComment,
        response: { 201: TimelineItem, ...writes },
      },
    },
    async (request, reply) => {
      const handle = await auth.requireMember(request);
      return reply.status(201).send(await desk.comment(handle, request.params.id, request.body));
    },
  );
  api.get(
    '/api/tickets/:id/timeline',
    {
      schema: {
        summary: 'Comments and events of a ticket, in order',
        tags,
        params: Params,
        response: { 200: Timeline, ...reads },
      },
    },
    async (request) => ({
      items: await desk.timeline(await auth.viewer(request), request.params.id),
    }),
  );
  api.post(
    '/api/tickets/:id/watchers',
    {
      schema: {
        summary: 'Watch a ticket, or stop watching it',
        tags,
        params: Params,
        body: WatchChange,
        response: { 200: Ticket, ...writes },
      },
    },
    async (request) =>
      desk.watch(await auth.requireMember(request), request.params.id, request.body.watch),
  );
  api.get(
    '/api/services/:slug/desk',
    {
      schema: {
        summary: 'A service’s desk: open tickets, time to first answer, the open public tickets',
        tags,
        params: z.object({ slug: ServiceSlug }),
        response: { 200: ServiceDesk, ...reads },
      },
    },
    async (request) => desk.serviceDesk(await auth.viewer(request), request.params.slug),
  );
}
