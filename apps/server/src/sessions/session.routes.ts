import {
  ErrorBody,
  SessionId,
  SessionInfo,
  SessionList,
  SessionQuery,
  WatcherMessage,
  type WatchMessage,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { ObserverLink } from './live-session.ts';
import type { SessionService } from './session.service.ts';

const Params = z.object({ id: SessionId });
/** An observer that cannot keep up is dropped rather than fed a torn screen. */
const MAX_OBSERVER_BUFFER = 8 * 1024 * 1024;

export type SessionAuth = {
  /** @throws AppError UNAUTHORIZED */
  member(request: FastifyRequest): Promise<{ handle: string; via: 'session' | 'token' }>;
  /** The web app's origin: a browser's WebSocket must come from it (cookies go cross-site). */
  webOrigin: string;
};

/** `/api/sessions` and `/ws/sessions/{id}/watch`. */
export function sessionRoutes(app: FastifyInstance, sessions: SessionService, auth: SessionAuth) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sessions'];

  api.get(
    '/api/sessions',
    {
      schema: {
        summary: 'Guarded sessions on the hosts, newest first (public: the log has them too)',
        tags,
        querystring: SessionQuery,
        response: { 200: SessionList, 400: ErrorBody },
      },
    },
    async (request) => sessions.list(request.query),
  );
  api.get(
    '/api/sessions/:id',
    {
      schema: {
        summary: 'One session',
        tags,
        params: Params,
        response: { 200: SessionInfo, 404: ErrorBody },
      },
    },
    async (request) => sessions.session(request.params.id),
  );
  api.get(
    '/api/sessions/:id/transcript',
    {
      schema: {
        summary:
          'The sealed transcript (members): its pieces, each preceded by its length (uint32 BE); the first is an age file to the oversight group holding the key of the rest',
        tags,
        params: Params,
        response: { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { handle } = await auth.member(request);
      const bytes = await sessions.transcript(request.params.id, handle);
      // Bytes, not JSON: the reply type of the JSON routes does not apply.
      return (reply as FastifyReply)
        .header('content-type', 'application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="session-${request.params.id}.transcript"`,
        )
        .send(Buffer.from(bytes));
    },
  );
  api.post(
    '/api/sessions/:id/end',
    {
      schema: {
        summary: 'End a live session (members): the recorder ends the shell',
        tags,
        params: Params,
        response: {
          200: SessionInfo,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => {
      const { handle } = await auth.member(request);
      return sessions.end(request.params.id, handle);
    },
  );

  app.get(
    '/ws/sessions/:id/watch',
    {
      websocket: true,
      schema: { hide: true },
      // Refused before the upgrade, so that the refusal is a plain HTTP error with its code.
      preValidation: async (request) => {
        const member = await auth.member(request);
        const origin = request.headers.origin;
        if (member.via === 'session' && origin !== auth.webOrigin) {
          throw new AppError('FORBIDDEN', 'a browser watches from the web app only');
        }
        Params.parse(request.params);
      },
    },
    async (socket, request) => {
      const { id } = Params.parse(request.params);
      const { handle } = await auth.member(request);
      const link: ObserverLink = {
        handle,
        send(message: WatchMessage) {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
        sendOutput(data) {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > MAX_OBSERVER_BUFFER) socket.close(1013, 'too slow');
          else socket.send(data);
        },
        close() {
          if (socket.readyState === socket.OPEN) socket.close(1000, 'session ended');
        },
      };
      let live: Awaited<ReturnType<SessionService['watch']>> | undefined;
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        let value: unknown;
        try {
          value = isBinary ? undefined : JSON.parse(data.toString('utf8'));
        } catch {
          value = undefined;
        }
        const message = WatcherMessage.safeParse(value);
        if (!message.success) {
          socket.close(1008, 'AGENT_BAD_MESSAGE');
          return;
        }
        void sessions.end(id, handle).catch(() => undefined);
      });
      socket.on('close', () => live?.unwatch(link));
      try {
        link.send({ t: 'session', session: await sessions.session(id) });
        live = await sessions.watch(id, link);
        if (socket.readyState !== socket.OPEN) live.unwatch(link);
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'INTERNAL';
        socket.close(1008, code);
      }
    },
  );
}
