import type { CoopState } from '@allmende/rules';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { memberOf } from '../auth/index.ts';
import type { Schema } from '../db/schema.ts';
import type { HostService } from '../hosts/host.service.ts';
import type { LogService } from '../log/log.service.ts';
import { agentChannel } from './agent-channel.ts';
import { sessionRoutes } from './session.routes.ts';
import { SessionRepository } from './session.repo.ts';
import { SessionService } from './session.service.ts';
import type { SessionAuthority } from './session-authority.ts';

export type {
  SessionAuthority,
  SessionCertificateCheck,
  SessionDenial,
  SessionGrant,
  SessionRequest,
} from './session-authority.ts';
export type { SessionService } from './session.service.ts';

export type SessionsDependencies = {
  database: { db: Kysely<Schema> };
  coop: { readonly state: Readonly<CoopState> };
  log: LogService;
  authority: SessionAuthority;
  /** The web app's origin, which browsers' WebSockets must come from. */
  url: string;
  now?: () => Date;
  beforeAck?: (session: string, seq: number) => Promise<void>;
};

/** Guarded sessions: the agents' channel, observers, the sessions API. */
export type Sessions = {
  service: SessionService;
  routes(app: FastifyInstance, hosts: HostService): void;
};

export async function openSessions(deps: SessionsDependencies): Promise<Sessions> {
  let report: (error: unknown) => void = () => {};
  const service = await SessionService.open({
    repo: new SessionRepository(deps.database),
    log: deps.log,
    coop: deps.coop,
    authority: deps.authority,
    now: deps.now,
    beforeAck: deps.beforeAck,
    onError: (error) => report(error),
  });
  return {
    service,
    routes(app, hosts) {
      report = (error) => app.log.error({ err: error }, 'session error');
      agentChannel(app, { hosts, sessions: service, origin: deps.log.origin, onError: report });
      sessionRoutes(app, service, {
        member: memberOf,
        webOrigin: new URL(deps.url).origin,
      });
      app.addHook('preClose', () => service.closeAll());
    },
  };
}
