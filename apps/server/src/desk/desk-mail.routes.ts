import {
  DeskInfo,
  ErrorBody,
  InboxList,
  InboxQuery,
  NotificationSettings,
  TicketId,
} from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendFile } from '../http/file-reply.ts';
import type { Desk } from './index.ts';
import type { DeskViewer } from './ticket.routes.ts';

/** The desk's mail: its addresses, members' notification settings, and the inbox. */
export function deskMailRoutes(
  app: FastifyInstance,
  desk: Desk,
  mail: { mailIn: boolean; mailOut: boolean },
  auth: DeskViewer,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['help desk'];
  const member = { 401: ErrorBody, 403: ErrorBody };

  api.get(
    '/api/desk',
    {
      schema: {
        summary: 'How to reach the desk: its mail address, and whether mail goes in and out',
        tags,
        response: { 200: DeskInfo },
      },
    },
    () => ({ help: desk.addresses.help, domain: desk.addresses.domain, ...mail }),
  );
  api.get(
    '/api/desk/notifications',
    {
      schema: {
        summary: 'Which mail the desk sends you',
        tags,
        response: { 200: NotificationSettings, ...member },
      },
    },
    async (request) => desk.notifier.settingsOf(await auth.requireMember(request)),
  );
  api.put(
    '/api/desk/notifications',
    {
      schema: {
        summary: 'Choose which mail the desk sends you',
        tags,
        body: NotificationSettings,
        response: { 200: NotificationSettings, 400: ErrorBody, ...member },
      },
    },
    async (request) => desk.notifier.setSettings(await auth.requireMember(request), request.body),
  );
  api.get(
    '/api/desk/inbox',
    {
      schema: {
        summary: 'Every mail the desk received and what became of it (the oversight group)',
        tags,
        querystring: InboxQuery,
        response: { 200: InboxList, 400: ErrorBody, ...member },
      },
    },
    async (request) => ({
      mails: await desk.mail.list(
        await auth.requireMember(request),
        request.query.limit,
        request.query.before,
      ),
    }),
  );
  api.get(
    '/api/desk/inbox/:id/raw',
    {
      schema: {
        summary: 'A received mail as it came, as an .eml download (the oversight group)',
        tags,
        params: z.object({ id: TicketId }),
        response: { 404: ErrorBody, ...member },
      },
    },
    async (request, reply) => {
      const raw = await desk.mail.raw(await auth.requireMember(request), request.params.id);
      return sendFile(reply, {
        bytes: raw,
        contentType: 'message/rfc822',
        name: `mail-${request.params.id}.eml`,
      });
    },
  );
}
