import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { AuthRepository } from './auth.repo.ts';
import { installAuthHooks, authRoutes } from './auth.routes.ts';
import type { AuthTables } from './auth.schema.ts';
import { AuthService } from './auth.service.ts';
import type { MemberDirectory } from './member-directory.ts';

export { memberOf, optionalMemberOf, requireMember, SESSION_COOKIE } from './auth.routes.ts';
export type { AuthTables } from './auth.schema.ts';
export type { AuthService, Member } from './auth.service.ts';
export type { MemberDirectory } from './member-directory.ts';

export type AuthDependencies = {
  database: { db: Kysely<AuthTables> };
  /** config.url: passkeys are bound to its host name; cookies are Secure when it is https. */
  url: string;
  /** config.origin: SSH login proofs are signed in the namespace `allmende-login:<origin>`. */
  origin: string;
  /** config.name: what an authenticator shows when a passkey is registered. */
  name: string;
  directory: MemberDirectory;
  checkInvitation: (code: string) => Promise<boolean>;
  now?: () => Date;
};

/**
 * Sign-in for the whole server: the cookie parser, the hook that works out each request's
 * member and enforces CSRF protection, and the routes under /api/auth. Register it before the
 * routes of other domains, which then call `memberOf(request)`.
 */
export async function registerAuth(
  app: FastifyInstance,
  deps: AuthDependencies,
): Promise<AuthService> {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  const service = new AuthService({
    repo: new AuthRepository(deps.database.db),
    directory: deps.directory,
    url: deps.url,
    origin: deps.origin,
    name: deps.name,
    checkInvitation: deps.checkInvitation,
    now: deps.now,
  });
  const cookie = { secure: new URL(deps.url).protocol === 'https:' };
  installAuthHooks(app, service, cookie);
  authRoutes(app, service, cookie);
  return service;
}
