import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Access } from '../access/index.ts';
import { coopRoutes } from '../coop/coop.routes.ts';
import type { CoopService } from '../coop/coop.service.ts';
import type { Desk } from '../desk/index.ts';
import type { Hosts } from '../hosts/index.ts';
import type { LogService } from '../log/log.service.ts';
import { logRoutes } from '../log/log.routes.ts';
import type { Metrics } from '../ops/metrics.ts';
import { opsRoutes } from '../ops/ops.routes.ts';
import type { Search } from '../search/index.ts';
import type { Sessions } from '../sessions/index.ts';
import type { Wiki } from '../wiki/index.ts';
import type { Witnesses } from '../witness/index.ts';
import { type AuthDependencies, memberOf, optionalMemberOf, registerAuth } from '../auth/index.ts';
import { adminGuard } from './admin-auth.ts';
import { errorBody, installErrorHandler } from './error-handler.ts';
import { installHeaders } from './headers.ts';

const SECRET_HEADERS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** Bodies are small JSON documents; a statement is at most 64 KiB. */
const BODY_LIMIT = 256 * 1024;

export type AppDependencies = {
  log: LogService;
  coop: CoopService;
  wiki: Wiki;
  desk: Desk;
  witnesses: Witnesses;
  access: Access;
  hosts: Hosts;
  sessions: Sessions;
  search: Search;
  auth: AuthDependencies;
  metrics: Metrics;
  adminToken: string;
  name: string;
  /** Whether this process may still write to the log (see Database.holdsWriterLock). */
  writable: () => boolean;
  /** The built web app (apps/web/dist), served for every path that is not API or log. */
  webRoot: string | undefined;
  logger: boolean;
};

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    // Warnings and errors only: request logs belong to the reverse proxy; figures to /metrics.
    logger: deps.logger ? { level: 'warn', redact: SECRET_HEADERS } : false,
    // Behind a reverse proxy on the same machine, the client's address is X-Forwarded-For:
    // sign-in throttles per address.
    trustProxy: 'loopback',
    bodyLimit: BODY_LIMIT,
    // Proofs and tiles are keyed by numbers in the path or query; keep parsing strict and small.
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installHeaders(app);

  const httpRequests = deps.metrics.counter(
    'allmende_http_requests_total',
    'HTTP requests answered.',
  );
  app.addHook('onResponse', async (_request, reply) => {
    httpRequests.inc(1, { status: String(reply.statusCode) });
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: `${deps.name} — Allmende API`,
        version: '0.1.0',
        description:
          'The JSON API of an Allmende cooperative. The public log is also served per C2SP tlog-tiles under /log/.',
      },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: '<data>/admin-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  // Live channels under /ws/: agents' sessions and observers. A frame is at most 64 KiB of data.
  await app.register(fastifyWebsocket, { options: { maxPayload: 256 * 1024 } });

  // Sign-in first: its hook tells every later route who is asking.
  await registerAuth(app, deps.auth);
  // The checkpoint is served with the cosignatures the witnesses sent for it.
  logRoutes(app, deps.log, adminGuard(deps.adminToken), () =>
    deps.witnesses.service.cosignedNote(),
  );
  deps.witnesses.routes(app);
  coopRoutes(app, deps.coop, {
    viewer: async (request) => (await optionalMemberOf(request))?.handle,
    requireMember: async (request) => (await memberOf(request)).handle,
  });
  deps.wiki.routes(app);
  deps.desk.routes(app);
  deps.access.routes(app);
  deps.hosts.routes(app);
  deps.sessions.routes(app, deps.hosts.service);
  deps.search.routes(app);
  opsRoutes(app, deps);

  // The web app answers every other GET, so that its own routes survive a reload.
  const web = deps.webRoot && existsSync(deps.webRoot) ? deps.webRoot : undefined;
  if (web) {
    await app.register(fastifyStatic, {
      root: web,
      wildcard: false,
      index: false,
      setHeaders: (reply, path) => {
        // Vite puts a content hash into every asset's name.
        if (path.includes('/assets/')) {
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        }
      },
    });
  }
  // /log and /log/entries/<n> are pages of the web app; only the C2SP paths belong to the log.
  const isApi = (url: string) =>
    /^\/(api|ws)(\/|$|\?)/.test(url) || /^\/log\/(checkpoint|tile\/)/.test(url);
  app.setNotFoundHandler((request, reply) => {
    if (web && request.method === 'GET' && !isApi(request.url)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply
      .status(404)
      .send(errorBody('NOT_FOUND', `no route for ${request.method} ${request.url}`));
  });
  return app;
}
