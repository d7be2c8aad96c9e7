import type { FastifyInstance } from 'fastify';
import type { LogService } from '../log/log.service.ts';
import type { Metrics } from './metrics.ts';

/** /healthz for load balancers and /metrics for Prometheus. */
export function opsRoutes(app: FastifyInstance, log: LogService, metrics: Metrics): void {
  const checkpointAge = metrics.gauge(
    'allmende_log_checkpoint_lag_entries',
    'Durable entries not yet covered by the latest checkpoint.',
  );

  app.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    log: { size: log.size, checkpointSize: log.checkpoint.size },
  }));

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    checkpointAge.set(log.size - log.checkpoint.size);
    return reply
      .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      .send(metrics.render());
  });
}
