import { ErrorBody } from '@allmende/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import {
  type CandidateRegistration,
  IssuedToken,
  LoginOptions,
  PasskeyLogin,
  PasskeyRegistration,
  PasswordChange,
  PasswordLogin,
  RegisteredPasskey,
  RegistrationOptions,
  RegistrationOptionsRequest,
  SessionInfo,
  SshChallenge,
  SshChallengeRequest,
  SshTokenRequest,
  TokenList,
  TokenParams,
} from './auth.schema.ts';
import {
  ThrottledError,
  sameCsrfToken,
  type AuthService,
  type Authenticated,
  type Member,
  type NewSession,
} from './auth.service.ts';

export const SESSION_COOKIE = 'allmende_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Each request's identity, worked out at most once and only when something asks. */
const identities = new WeakMap<FastifyRequest, () => Promise<Authenticated | undefined>>();

/**
 * The member who sent the request, by session cookie or API token (`Authorization: Bearer
 * alm_…`). For other domains' routes: `const { handle } = await memberOf(request)`.
 * @throws AppError UNAUTHORIZED when the request is not signed in
 */
export async function memberOf(request: FastifyRequest): Promise<Member> {
  const who = await authenticatedOf(request);
  if (!who) throw new AppError('UNAUTHORIZED', 'sign in first');
  return { handle: who.handle, via: who.via };
}

/** The member who sent the request, or undefined for an anonymous one. */
export async function optionalMemberOf(request: FastifyRequest): Promise<Member | undefined> {
  const who = await authenticatedOf(request);
  return who && { handle: who.handle, via: who.via };
}

/** A preHandler for routes that only members may use. */
export async function requireMember(request: FastifyRequest): Promise<void> {
  await memberOf(request);
}

async function authenticatedOf(request: FastifyRequest): Promise<Authenticated | undefined> {
  const resolve = identities.get(request);
  if (!resolve) throw new Error('sign-in is not installed on this server (registerAuth)');
  return resolve();
}

/**
 * Works out who sends each request, lazily, and enforces CSRF protection: an unsafe request
 * that a session cookie authenticates must carry the session's token in `X-CSRF-Token`. A
 * bearer token is never sent by a browser on its own, so it needs none.
 */
export function installAuthHooks(
  app: FastifyInstance,
  service: AuthService,
  cookie: { secure: boolean },
): void {
  app.addHook('onRequest', async (request, reply) => {
    let pending: Promise<Authenticated | undefined> | undefined;
    identities.set(request, () => (pending ??= identify(request, reply, service, cookie)));

    if (SAFE_METHODS.has(request.method)) return;
    const who = await authenticatedOf(request);
    if (who?.via !== 'session') return;
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameCsrfToken(sent, who.csrfToken)) {
      throw new AppError(
        'AUTH_CSRF',
        'this request needs the header X-CSRF-Token with the csrfToken of GET /api/auth/session',
      );
    }
  });
}

async function identify(
  request: FastifyRequest,
  reply: FastifyReply,
  service: AuthService,
  cookie: { secure: boolean },
): Promise<Authenticated | undefined> {
  // A bearer token speaks for itself: if it is bad, the cookie does not stand in for it.
  const bearer = /^Bearer (alm_\S*)$/.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return service.tokenMember(bearer);
  const sessionId = request.cookies[SESSION_COOKIE];
  if (!sessionId) return undefined;
  const who = await service.sessionMember(sessionId);
  if (!who) {
    reply.clearCookie(SESSION_COOKIE, cookieOptions(cookie));
  } else if (who.via === 'session' && who.renewedUntil) {
    setSessionCookie(reply, sessionId, who.renewedUntil, service, cookie);
  }
  return who;
}

function cookieOptions(cookie: { secure: boolean }) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: cookie.secure } as const;
}

function setSessionCookie(
  reply: FastifyReply,
  sessionId: string,
  expiresAt: Date,
  service: AuthService,
  cookie: { secure: boolean },
): void {
  const now = service.now().getTime();
  reply.setCookie(SESSION_COOKIE, sessionId, {
    ...cookieOptions(cookie),
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)),
  });
}

function isCandidate(body: object | undefined): body is CandidateRegistration {
  return body !== undefined && 'invitation' in body;
}

/** The routes under /api/auth (see the brief's "Sign-in"). */
export function authRoutes(
  app: FastifyInstance,
  service: AuthService,
  cookie: { secure: boolean },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sign-in'];
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const signedIn = (reply: FastifyReply, session: NewSession) => {
    setSessionCookie(reply, session.sessionId, session.expiresAt, service, cookie);
    return session.info;
  };
  const requireSession = async (request: FastifyRequest) => {
    const who = await authenticatedOf(request);
    if (who?.via !== 'session') throw new AppError('UNAUTHORIZED', 'not signed in');
    return who;
  };
  const requireAuthenticated = async (request: FastifyRequest) => {
    const who = await authenticatedOf(request);
    if (!who) throw new AppError('UNAUTHORIZED', 'sign in first');
    return who;
  };

  api.get(
    '/api/auth/session',
    {
      schema: {
        summary: 'The signed-in member of this browser session, and its CSRF token',
        tags,
        response: { 200: SessionInfo, 401: ErrorBody },
      },
    },
    async (request) => {
      const who = await requireSession(request);
      return service.sessionInfo(who.handle, who.csrfToken);
    },
  );

  api.post(
    '/api/auth/password/login',
    {
      schema: {
        summary: 'Sign in with handle and password; sets the session cookie',
        tags,
        body: PasswordLogin,
        response: { 200: SessionInfo, ...errors, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const session = await service.passwordLogin({ ...request.body, ip: request.ip });
        return signedIn(reply, session);
      } catch (error) {
        if (error instanceof ThrottledError) {
          reply.header('retry-after', String(error.retryAfterSeconds));
        }
        throw error;
      }
    },
  );

  api.put(
    '/api/auth/password',
    {
      schema: {
        summary: 'Set or replace the signed-in member’s password',
        tags,
        body: PasswordChange,
        response: { 204: z.null(), ...errors, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const who = await requireAuthenticated(request);
      try {
        await service.setPassword(who, {
          password: request.body.password,
          currentPassword: request.body.currentPassword,
        });
      } catch (error) {
        if (error instanceof ThrottledError) {
          reply.header('retry-after', String(error.retryAfterSeconds));
        }
        throw error;
      }
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/auth/passkey/login-options',
    {
      schema: {
        summary: 'Options for navigator.credentials.get() to sign in with a passkey',
        tags,
        response: { 200: LoginOptions },
      },
    },
    async () => ({ ...(await service.passkeyLoginOptions()) }),
  );

  api.post(
    '/api/auth/passkey/login',
    {
      schema: {
        summary: 'Sign in with a passkey assertion; sets the session cookie',
        tags,
        body: PasskeyLogin,
        response: { 200: SessionInfo, ...errors },
      },
    },
    async (request, reply) => signedIn(reply, await service.passkeyLogin(request.body.response)),
  );

  api.post(
    '/api/auth/passkey/registration-options',
    {
      schema: {
        summary:
          'Options for navigator.credentials.create(): for the signed-in member, or for a candidate with an invitation',
        tags,
        body: RegistrationOptionsRequest,
        response: { 200: RegistrationOptions, ...errors, 409: ErrorBody },
      },
    },
    async (request) => {
      const body = request.body;
      const options = isCandidate(body)
        ? await service.passkeyRegistrationOptions({ candidate: body })
        : await service.passkeyRegistrationOptions({
            member: (await requireAuthenticated(request)).handle,
          });
      return { ...options };
    },
  );

  api.post(
    '/api/auth/passkey/registration',
    {
      schema: {
        summary:
          'Verify a new passkey; answers its key for a key.added or member.admitted statement',
        tags,
        body: PasskeyRegistration,
        response: { 200: RegisteredPasskey, ...errors },
      },
    },
    async (request) => {
      const who = await authenticatedOf(request);
      const key = await service.passkeyRegistration(request.body.response, who, request.body.label);
      return { key };
    },
  );

  api.post(
    '/api/auth/ssh/challenge',
    {
      schema: {
        summary: 'A nonce for `allmende login` to sign with an SSH key (ssh-keygen -Y sign)',
        tags,
        body: SshChallengeRequest,
        response: { 200: SshChallenge, 400: ErrorBody },
      },
    },
    async (request) => service.sshChallenge(request.body.handle),
  );

  api.post(
    '/api/auth/ssh/token',
    {
      schema: {
        summary: 'Exchange a signed nonce for an API token (Authorization: Bearer <token>)',
        tags,
        body: SshTokenRequest,
        response: { 200: IssuedToken, ...errors },
      },
    },
    async (request) => service.sshToken(request.body),
  );

  api.get(
    '/api/auth/tokens',
    {
      schema: {
        summary: 'The signed-in member’s live API tokens',
        tags,
        response: { 200: TokenList, 401: ErrorBody },
      },
    },
    async (request) => {
      const { handle } = await memberOf(request);
      return { tokens: await service.tokens(handle) };
    },
  );

  api.delete(
    '/api/auth/tokens/:id',
    {
      schema: {
        summary: 'Revoke one of the signed-in member’s API tokens',
        tags,
        params: TokenParams,
        response: { 204: z.null(), ...errors, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { handle } = await memberOf(request);
      await service.revokeToken(handle, request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/auth/logout',
    {
      schema: {
        summary: 'End this session (or revoke this API token)',
        tags,
        response: { 204: z.null(), 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const who = await authenticatedOf(request);
      if (who) await service.logout(who);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(cookie));
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/auth/logout-everywhere',
    {
      schema: {
        summary: 'End every session and revoke every API token of the signed-in member',
        tags,
        response: { 204: z.null(), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const { handle } = await memberOf(request);
      await service.logoutEverywhere(handle);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(cookie));
      return reply.status(204).send(null);
    },
  );
}
