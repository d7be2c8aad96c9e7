import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { CoopService } from '../coop/coop.service.ts';
import type { Schema } from '../db/schema.ts';
import type { LogService } from '../log/log.service.ts';
import type { Metrics } from '../ops/metrics.ts';
import { WitnessRepository } from './witness.repo.ts';
import { witnessRoutes } from './witness.routes.ts';
import { WitnessService } from './witness.service.ts';

export type { WitnessService } from './witness.service.ts';

export type WitnessDependencies = {
  database: { db: Kysely<Schema> };
  coop: CoopService;
  log: LogService;
  metrics: Metrics;
  fetch?: typeof fetch;
};

/** The witnesses of the policy: who cosigns the log's checkpoints, and their cosignatures. */
export type Witnesses = {
  service: WitnessService;
  routes(app: FastifyInstance): void;
  /** Starts sending checkpoints to the witnesses. */
  start(): void;
  close(): void;
};

export async function openWitnesses(deps: WitnessDependencies): Promise<Witnesses> {
  const service = await WitnessService.open({
    repo: new WitnessRepository(deps.database),
    log: deps.log,
    coop: deps.coop,
    metrics: deps.metrics,
    fetch: deps.fetch,
  });
  return {
    service,
    routes: (app) => witnessRoutes(app, service, deps.log),
    start: () => service.start(),
    close: () => service.close(),
  };
}
