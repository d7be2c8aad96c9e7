import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { CoopState } from '@allmende/rules';
import { memberOf } from '../auth/index.ts';
import type { Schema } from '../db/schema.ts';
import type { LogService } from '../log/log.service.ts';
import { HostRepository } from './host.repo.ts';
import { hostRoutes } from './host.routes.ts';
import { HostService } from './host.service.ts';

export type { EnrolledHost, HostService } from './host.service.ts';

export type HostsDependencies = {
  database: { db: Kysely<Schema> };
  coop: { readonly state: Readonly<CoopState> };
  log: LogService;
  url: string;
  sessionsSince: (host: string, since: string) => Promise<boolean>;
  reportToOversight: (host: string, title: string, body: string) => Promise<number>;
  now?: () => Date;
};

/** Hosts' enrolment and attestation. */
export type Hosts = { service: HostService; routes(app: FastifyInstance): void };

export function openHosts(deps: HostsDependencies): Hosts {
  const service = new HostService({ ...deps, repo: new HostRepository(deps.database) });
  return {
    service,
    routes(app) {
      hostRoutes(app, service, {
        requireMember: async (request) => (await memberOf(request)).handle,
      });
    },
  };
}
