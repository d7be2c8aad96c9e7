import {
  AddSignature,
  CoopInfo,
  CreatedInvitation,
  ErrorBody,
  Handle,
  HostInfo,
  HostList,
  HostName,
  InvitationCheck,
  InvitationList,
  MemberInfo,
  MemberList,
  NewInvitation,
  NewProposal,
  PolicyInfo,
  Proposal,
  ProposalList,
  ServiceInfo,
  ServiceList,
  ServiceSlug,
  StatementReceipt,
  SubmittedStatement,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoopService } from './coop.service.ts';

/** Who is asking: a signed-in member, or nobody. Answered by sign-in (auth/). */
export type Viewer = {
  /** The member behind a session or token, if any. */
  viewer(request: FastifyRequest): Promise<string | undefined>;
  /** The member behind a session or token; @throws AppError UNAUTHORIZED otherwise. */
  requireMember(request: FastifyRequest): Promise<string>;
};

const ProposalId = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });
const errors = { 400: ErrorBody, 404: ErrorBody };
const refusals = { 400: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody };

/**
 * The cooperative's API. Reads are public except contact data. Writes of statements need no
 * session at all: their signatures are the authority, and the server only checks them.
 */
export function coopRoutes(app: FastifyInstance, coop: CoopService, auth: Viewer): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const member = ['members'];
  const catalogue = ['services and hosts'];
  const statements = ['statements'];

  api.get(
    '/api/coop',
    {
      schema: {
        summary: 'The cooperative at a glance',
        tags: catalogue,
        response: { 200: CoopInfo },
      },
    },
    () => coop.info(),
  );

  api.get(
    '/api/members',
    {
      schema: {
        summary: 'Members, their keys and services (e-mail for signed-in members only)',
        tags: member,
        response: { 200: MemberList },
      },
    },
    async (request) => ({ members: await coop.memberInfos(await auth.viewer(request)) }),
  );
  api.get(
    '/api/members/:handle',
    {
      schema: {
        summary: 'A member',
        tags: member,
        params: z.object({ handle: Handle }),
        response: { 200: MemberInfo, ...errors },
      },
    },
    async (request) => coop.memberInfo(request.params.handle, await auth.viewer(request)),
  );

  api.post(
    '/api/invitations',
    {
      schema: {
        summary: 'Invite someone: the code is shown once',
        tags: member,
        body: NewInvitation,
        response: { 201: CreatedInvitation, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const handle = await auth.requireMember(request);
      return reply.status(201).send(await coop.invite(handle, request.body.note));
    },
  );
  api.get(
    '/api/invitations',
    {
      schema: {
        summary: 'Open and used invitations (members only)',
        tags: member,
        response: { 200: InvitationList, 401: ErrorBody },
      },
    },
    async (request) => {
      await auth.requireMember(request);
      return { invitations: await coop.invitations() };
    },
  );
  api.get(
    '/api/invitations/:code',
    {
      schema: {
        summary: 'What a candidate with an invitation code sees',
        tags: member,
        params: z.object({ code: z.string().min(1).max(100) }),
        response: { 200: InvitationCheck, 400: ErrorBody },
      },
    },
    (request) => coop.checkInvitation(request.params.code),
  );
  api.delete(
    '/api/invitations/:id',
    {
      schema: {
        summary: 'Withdraw an invitation (by its ID; only who invited)',
        tags: member,
        params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) }),
        response: { 204: z.null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await coop.withdrawInvitation(request.params.id, await auth.requireMember(request));
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/services',
    {
      schema: {
        summary: 'The service catalogue: who looks after what',
        tags: catalogue,
        response: { 200: ServiceList },
      },
    },
    () => ({ services: coop.services() }),
  );
  api.get(
    '/api/services/:slug',
    {
      schema: {
        summary: 'A service',
        tags: catalogue,
        params: z.object({ slug: ServiceSlug }),
        response: { 200: ServiceInfo, ...errors },
      },
    },
    (request) => coop.service(request.params.slug),
  );
  api.get(
    '/api/hosts',
    {
      schema: {
        summary: 'The hosts and their costs',
        tags: catalogue,
        response: { 200: HostList },
      },
    },
    () => ({ hosts: coop.hosts() }),
  );
  api.get(
    '/api/hosts/:name',
    {
      schema: {
        summary: 'A host',
        tags: catalogue,
        params: z.object({ name: HostName }),
        response: { 200: HostInfo, ...errors },
      },
    },
    (request) => coop.host(request.params.name),
  );
  api.get(
    '/api/policies',
    {
      schema: {
        summary: 'The policy in force, and the entry that set it',
        tags: catalogue,
        response: { 200: PolicyInfo },
      },
    },
    () => coop.policy(),
  );

  api.post(
    '/api/statements',
    {
      schema: {
        summary: 'Submit a signed member statement; the server checks its consent, then appends',
        tags: statements,
        body: SubmittedStatement,
        response: { 201: StatementReceipt, ...refusals },
      },
    },
    async (request, reply) => reply.status(201).send(await coop.submit(request.body)),
  );

  api.get(
    '/api/proposals',
    {
      schema: {
        summary: 'Statements collecting signatures',
        tags: statements,
        querystring: z.object({ status: z.enum(['open', 'all']).default('open') }),
        response: { 200: ProposalList },
      },
    },
    async (request) => ({ proposals: await coop.proposals(request.query.status) }),
  );
  api.get(
    '/api/proposals/:id',
    {
      schema: {
        summary: 'A proposal, and the consent it still needs',
        tags: statements,
        params: ProposalId,
        response: { 200: Proposal, ...errors },
      },
    },
    (request) => coop.proposal(request.params.id),
  );
  api.post(
    '/api/proposals',
    {
      schema: {
        summary: 'Propose a statement signed by its actor; logged once the rules accept it',
        tags: statements,
        body: NewProposal,
        response: { 201: Proposal, ...refusals },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await coop.propose(request.body.statement, request.body.email)),
  );
  api.post(
    '/api/proposals/:id/signatures',
    {
      schema: {
        summary: 'Add a signature to a proposal (a vouch, an approval, an acceptance)',
        tags: statements,
        params: ProposalId,
        body: AddSignature,
        response: { 200: Proposal, 404: ErrorBody, ...refusals },
      },
    },
    (request) => coop.sign(request.params.id, request.body.signature),
  );
  api.delete(
    '/api/proposals/:id',
    {
      schema: {
        summary: 'Withdraw a proposal (only its actor)',
        tags: statements,
        params: ProposalId,
        response: { 200: Proposal, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => coop.withdraw(request.params.id, await auth.requireMember(request)),
  );
}
