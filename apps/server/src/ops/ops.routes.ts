import type { FastifyInstance } from 'fastify';
import type { LogService } from '../log/log.service.ts';
import type { Metrics } from './metrics.ts';

/** /healthz for load balancers and /metrics for Prometheus. */
export function opsRoutes(
  app: FastifyInstance,
  { log, metrics, writable }: { log: LogService; metrics: Metrics; writable: () => boolean },
): void {
  const checkpointAge = metrics.gauge(
    'allmende_log_checkpoint_lag_entries',
    'Durable entries not yet covered by the latest checkpoint.',
  );

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = writable();
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      ...(ok ? {} : { reason: 'lost the lock on the database; restart this server' }),
      log: { size: log.size, checkpointSize: log.checkpoint.size },
    });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    checkpointAge.set(log.size - log.checkpoint.size);
    return reply
      .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      .send(metrics.render());
  });
}
