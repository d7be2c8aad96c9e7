import {
  AppendReply,
  ConsistencyProof,
  ConsistencyQuery,
  EntriesPage,
  EntriesQuery,
  ErrorBody,
  InclusionProof,
  InclusionQuery,
  LogInfo,
  NoticeRequest,
} from '@allmende/protocol';
import { TlogError, leafHash, parseTilePath } from '@allmende/tlog';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import type { LogService } from './log.service.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const errors = { 400: ErrorBody, 404: ErrorBody };

/**
 * C2SP tlog-tiles read endpoints under /log/, and the JSON API under /api/log/. `note` gives
 * the latest checkpoint as served: the log's signed note, with any cosignatures.
 */
export function logRoutes(
  app: FastifyInstance,
  log: LogService,
  requireAdmin: (request: FastifyRequest) => Promise<void>,
  note: () => string = () => log.checkpoint.note,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const c2sp = ['log (C2SP tlog-tiles)'];
  api.get(
    '/log/checkpoint',
    { schema: { summary: 'The latest checkpoint, a C2SP signed note (text/plain)', tags: c2sp } },
    async (_request, reply) => {
      if (log.checkpoint.size === 0)
        throw new AppError('NOT_FOUND', 'the log has no checkpoint yet');
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=2')
        .send(note());
    },
  );

  const tileSummary =
    'A hash tile tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (binary)';
  api.get(
    '/log/tile/*',
    { schema: { summary: tileSummary, tags: c2sp } },
    async (request, reply) => {
      const path = `tile/${(request.params as { '*': string })['*']}`;
      let parsed: ReturnType<typeof parseTilePath>;
      try {
        parsed = parseTilePath(path);
      } catch (error) {
        if (error instanceof TlogError)
          throw new AppError('LOG_BAD_TILE_PATH', error.message, { cause: error });
        throw error;
      }
      const bytes =
        parsed.kind === 'entries'
          ? await log.entryBundle(parsed.index, parsed.width)
          : await log.hashTile(parsed.tile);
      const width = parsed.kind === 'entries' ? parsed.width : parsed.tile.width;
      // A tile of a given width never changes; full tiles are final (C2SP tlog-tiles).
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', width === 256 ? IMMUTABLE : 'public, max-age=3600')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  api.get(
    '/api/log/info',
    {
      schema: {
        summary: 'The log: origin, verifier key, latest checkpoint',
        tags: ['log'],
        response: { 200: LogInfo },
      },
    },
    async () => {
      const { size, rootHash } = log.checkpoint;
      return {
        origin: log.origin,
        verifierKey: log.verifierKey,
        size,
        rootHash: b64(rootHash),
        checkpoint: size === 0 ? '' : note(),
      };
    },
  );

  api.get(
    '/api/log/entries',
    {
      schema: {
        summary: 'Decoded statements, oldest first or newest first',
        tags: ['log'],
        querystring: EntriesQuery,
        response: { 200: EntriesPage, ...errors },
      },
    },
    async (request) => {
      const { start, limit, order } = request.query;
      const size = log.size;
      const [from, to] =
        order === 'asc'
          ? [start ?? 0, (start ?? 0) + limit]
          : [Math.max(0, (start ?? size - 1) - limit + 1), (start ?? size - 1) + 1];
      const records = await log.entries(from, to);
      if (order === 'desc') records.reverse();
      return {
        size,
        entries: records.map(({ index, entry, statement }) => ({
          index,
          entry: b64(entry),
          leafHash: b64(leafHash(entry)),
          statement,
        })),
      };
    },
  );

  api.get(
    '/api/log/proof/inclusion',
    {
      schema: {
        summary: 'Inclusion proof of an entry (RFC 6962), by default in the latest checkpoint',
        tags: ['log'],
        querystring: InclusionQuery,
        response: { 200: InclusionProof, ...errors },
      },
    },
    async (request) => {
      const proof = await log.inclusionProof(request.query.index, request.query.size);
      return {
        ...proof,
        leafHash: b64(proof.leafHash),
        rootHash: b64(proof.rootHash),
        proof: proof.proof.map(b64),
      };
    },
  );

  api.get(
    '/api/log/proof/consistency',
    {
      schema: {
        summary: 'Consistency proof between two tree sizes (RFC 6962)',
        tags: ['log'],
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyProof, ...errors },
      },
    },
    async (request) => {
      const proof = await log.consistencyProof(request.query.from, request.query.to);
      return {
        ...proof,
        fromRootHash: b64(proof.fromRootHash),
        toRootHash: b64(proof.toRootHash),
        proof: proof.proof.map(b64),
      };
    },
  );

  api.post(
    '/api/log/notices',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Publish a notice of the cooperative; answers once it is durable',
        tags: ['log'],
        security: [{ adminToken: [] }],
        body: NoticeRequest,
        response: { 200: AppendReply, 401: ErrorBody, 413: ErrorBody, ...errors },
      },
    },
    async (request) => {
      const appended = await log.append({
        type: 'notice',
        actor: 'coop',
        body: { text: request.body.text.trim() },
      });
      return { index: appended.index, leafHash: b64(appended.leafHash) };
    },
  );
}
