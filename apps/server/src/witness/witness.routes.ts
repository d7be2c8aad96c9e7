import { WitnessesInfo } from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LogService } from '../log/log.service.ts';
import type { WitnessService } from './witness.service.ts';

export function witnessRoutes(app: FastifyInstance, witnesses: WitnessService, log: LogService) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/log/witnesses',
    {
      schema: {
        summary:
          "The policy's witnesses, the quorum, and each witness's latest cosignature of the log",
        tags: ['log'],
        response: { 200: WitnessesInfo },
      },
    },
    async (_request, reply) => {
      const { quorum, witnesses: states } = witnesses.states();
      const size = log.checkpoint.size;
      reply.header('cache-control', 'no-cache');
      return {
        quorum,
        checkpointSize: size,
        witnesses: states.map(({ witness, cosignature, onCheckpoint, problem, lastAttemptAt }) => ({
          name: witness.name,
          url: witness.url,
          key: witness.key,
          cosignedSize: cosignature?.size ?? null,
          cosignedAt: cosignature?.cosignedAt ?? null,
          onCheckpoint,
          problem: problem ?? null,
          lastAttemptAt: lastAttemptAt?.toISOString() ?? null,
        })),
      };
    },
  );
}
