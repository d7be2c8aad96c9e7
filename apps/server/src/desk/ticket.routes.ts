import {
  ErrorBody,
  NewComment,
  NewTicket,
  PendingTicket,
  ServiceDesk,
  ServiceSlug,
  Ticket,
  TicketChanges,
  TicketConfirmation,
  TicketId,
  TicketList,
  TicketQuery,
  Timeline,
  TimelineItem,
  VisitorTicket,
  WatchChange,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { sendFile } from '../http/file-reply.ts';
import type { TicketService } from './ticket.service.ts';
import type { VisitorService } from './visitor.service.ts';

/** Who is asking: answered by sign-in (auth/). */
export type DeskViewer = {
  viewer(request: FastifyRequest): Promise<string | undefined>;
  /** @throws AppError UNAUTHORIZED */
  requireMember(request: FastifyRequest): Promise<string>;
};

const Params = z.object({ id: TicketId });
const reads = { 400: ErrorBody, 404: ErrorBody };
const writes = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody };

/**
 * The help desk's API. Reads are public, with private content redacted; writes need a member,
 * except a visitor's ticket, which opens once its address is confirmed.
 */
export function ticketRoutes(
  app: FastifyInstance,
  desk: TicketService,
  visitors: VisitorService,
  auth: DeskViewer,
): void {
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
  api.post(
    '/api/tickets/pending',
    {
      schema: {
        summary:
          'A visitor’s ticket: kept until the visitor follows the link mailed to the address given',
        tags,
        body: VisitorTicket,
        response: { 202: PendingTicket, 400: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      if ((await auth.viewer(request)) !== undefined) {
        throw new AppError(
          'BAD_REQUEST',
          'members open tickets in their own name: POST /api/tickets',
        );
      }
      return reply.status(202).send(await visitors.request(request.body, request.ip));
    },
  );
  api.post(
    '/api/tickets/confirmations',
    {
      schema: {
        summary: 'Open a visitor’s ticket by the code from the mailed link',
        tags,
        body: TicketConfirmation,
        response: { 200: Ticket, 400: ErrorBody },
      },
    },
    async (request) => visitors.confirm(request.body.code),
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
    '/api/tickets/:id/attachments/:attachment',
    {
      schema: {
        summary:
          'A file that came with a ticket or comment (images shown, anything else a download)',
        tags,
        params: z.object({ id: TicketId, attachment: TicketId }),
        response: { 404: ErrorBody, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const file = await desk.attachment(
        await auth.viewer(request),
        request.params.id,
        request.params.attachment,
      );
      return sendFile(reply, {
        bytes: file.bytes,
        contentType: file.contentType,
        name: file.filename,
      });
    },
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
