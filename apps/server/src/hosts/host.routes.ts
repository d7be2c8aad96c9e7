import {
  EnrolledHostInfo,
  EnrolmentReceipt,
  EnrolmentReport,
  EnrolmentToken,
  ErrorBody,
  HostName,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { HostService } from './host.service.ts';

const Params = z.object({ name: HostName });

/** Enrolment of hosts: a member makes a token, the host's agent redeems it. */
export function hostRoutes(
  app: FastifyInstance,
  hosts: HostService,
  auth: { requireMember(request: FastifyRequest): Promise<string> },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['hosts'];

  api.post(
    '/api/hosts/:name/enrol',
    {
      schema: {
        summary: 'Make a single-use enrolment token for a host (members); valid for an hour',
        tags,
        params: Params,
        response: { 201: EnrolmentToken, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const member = await auth.requireMember(request);
      return reply.status(201).send(await hosts.createEnrolmentToken(member, request.params.name));
    },
  );
  api.post(
    '/api/hosts/:name/enrolment',
    {
      schema: {
        summary:
          "The agent's report of what it set up, with the token and a signature of it by the host key; appends host.enrolled",
        tags,
        params: Params,
        body: EnrolmentReport,
        response: { 201: EnrolmentReceipt, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await hosts.enrol(request.params.name, request.body)),
  );
  api.get(
    '/api/hosts/:name/enrolment',
    {
      schema: {
        summary: "A host's enrolled key and guarded logins",
        tags,
        params: Params,
        response: { 200: EnrolledHostInfo, 404: ErrorBody },
      },
    },
    async (request) => {
      const enrolled = await hosts.enrolled(request.params.name);
      if (!enrolled) {
        throw new AppError('HOST_NOT_ENROLLED', `the host ${request.params.name} is not enrolled`);
      }
      return enrolled;
    },
  );
}
