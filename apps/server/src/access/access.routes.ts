import {
  AccessRequest,
  AccessRequestList,
  AccessRequestQuery,
  ErrorBody,
  SubmittedAccessApproval,
  SubmittedAccessDenial,
  SubmittedAccessRequest,
  SubmittedAccessWithdrawal,
} from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessService } from './access-request.service.ts';

// A request's number is the log index of its access.requested: digits only, no "1e3" or " 1".
const RequestId = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, { message: 'an access request is named by its log index' })
    .transform(Number)
    .refine(Number.isSafeInteger, { message: 'an access request is named by its log index' }),
});
const refusals = {
  400: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
  500: ErrorBody,
};

/**
 * The access API. Everything here is public, as the log is; writes need no session either:
 * each is a statement whose signature is the authority, checked by the rules before it counts.
 */
export function accessRoutes(app: FastifyInstance, access: AccessService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  api.get(
    '/api/access/ca',
    {
      schema: {
        summary: 'The CA key that hosts trust for user certificates (one OpenSSH public key line)',
        tags,
      },
    },
    async (_request, reply) =>
      reply.header('content-type', 'text/plain; charset=utf-8').send(`${access.caPublicKey}\n`),
  );

  api.get(
    '/api/access/krl',
    {
      schema: {
        summary: 'The OpenSSH key revocation list of the CA (binary, for sshd RevokedKeys)',
        tags,
      },
    },
    async (request, reply) => {
      const { bytes, etag } = access.revocationList;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      const wanted = request.headers['if-none-match']?.split(',').map((tag) => tag.trim());
      if (wanted?.includes(etag)) return reply.status(304).send();
      return reply
        .header('content-type', 'application/octet-stream')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  api.get(
    '/api/access/requests',
    {
      schema: {
        summary: 'Access requests, newest first (filters: status, open, host, requester, ticket)',
        tags,
        querystring: AccessRequestQuery,
        response: { 200: AccessRequestList, 400: ErrorBody },
      },
    },
    async (request) => ({ requests: await access.list(request.query) }),
  );
  api.post(
    '/api/access/requests',
    {
      schema: {
        summary: 'Request access to a host: an access.requested statement signed by the requester',
        tags,
        body: SubmittedAccessRequest,
        response: { 201: AccessRequest, ...refusals },
      },
    },
    async (request, reply) => reply.status(201).send(await access.request(request.body)),
  );
  api.get(
    '/api/access/requests/:id',
    {
      schema: {
        summary: 'An access request, its approvals and certificate',
        tags,
        params: RequestId,
        response: { 200: AccessRequest, 400: ErrorBody, 404: ErrorBody },
      },
    },
    (request) => access.get(request.params.id),
  );
  api.post(
    '/api/access/requests/:id/approvals',
    {
      schema: {
        summary: 'Approve a request: an access.approved statement signed by the approver',
        tags,
        params: RequestId,
        body: SubmittedAccessApproval,
        response: { 200: AccessRequest, ...refusals },
      },
    },
    (request) => access.approve(request.params.id, request.body),
  );
  api.post(
    '/api/access/requests/:id/denial',
    {
      schema: {
        summary: 'Deny a request: an access.denied statement signed by a member',
        tags,
        params: RequestId,
        body: SubmittedAccessDenial,
        response: { 200: AccessRequest, ...refusals },
      },
    },
    (request) => access.deny(request.params.id, request.body),
  );
  api.post(
    '/api/access/requests/:id/withdrawal',
    {
      schema: {
        summary: 'Withdraw a request (its certificate is revoked): signed by the requester',
        tags,
        params: RequestId,
        body: SubmittedAccessWithdrawal,
        response: { 200: AccessRequest, ...refusals },
      },
    },
    (request) => access.withdraw(request.params.id, request.body),
  );
  api.get(
    '/api/access/requests/:id/certificate',
    {
      schema: {
        summary: 'The certificate of an issued request, as a -cert.pub line (text/plain)',
        tags,
        params: RequestId,
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/plain; charset=utf-8')
        .send(await access.certificateLine(request.params.id)),
  );
}
