import type { AccessPolicy, AccessRequest, ErrorCode } from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { AccessRequestRepository } from './access-request.repo.ts';
import { accessRoutes } from './access.routes.ts';
import {
  AccessService,
  type AccessCoop,
  type AccessTickets,
  type SessionCertificateCheck,
} from './access-request.service.ts';
import { CertificateAuthority } from './certificate-authority.ts';

export {
  DEFAULT_RECORDER_COMMAND,
  REQUEST_EXPIRY_HOURS,
  type AccessService,
  type SessionCertificateCheck,
} from './access-request.service.ts';
export { CertificateAuthority } from './certificate-authority.ts';

/** How often pending requests are checked for expiry. */
const EXPIRY_CHECK_MS = 60_000;

export type AccessDependencies = {
  database: { db: Kysely<Schema> };
  coop: AccessCoop;
  tickets: AccessTickets;
  /** The CA key in the data folder (setup/data-folder.ts). */
  ca: { keyFile: string; publicKey: string };
  /** The session recorder every certificate forces; default `allmende-recorder`. */
  recorderCommand?: string;
  now?: () => Date;
  onError?: (error: unknown) => void;
};

/**
 * Privileged access to the cooperative's hosts: requests, approvals, the CA and its KRL. What
 * the host side (apps/agent, the session recorder) calls is `checkSessionCertificate` and
 * `onRevoked`; hosts fetch `GET /api/access/ca` and `GET /api/access/krl`.
 */
export type Access = {
  service: AccessService;
  routes(app: FastifyInstance): void;
  /**
   * Whether the certificate from SSH_USER_AUTH opens a session on `host` as `principal` at `at`:
   * issued by the cooperative's CA for an approved, unexpired, unrevoked request for this host
   * and principal.
   */
  checkSessionCertificate(
    input: { host: string; principal: string; certificate: string },
    at: Date,
  ): Promise<
    | { ok: true; request: AccessRequest; policy: AccessPolicy; serial: bigint; validBefore: Date }
    | { ok: false; code: ErrorCode; message: string }
  >;
  /** Calls `listener` with each revoked serial, so that live sessions can be ended. */
  onRevoked(listener: (serial: bigint) => void): () => void;
  close(): void;
};

export async function openAccess(deps: AccessDependencies): Promise<Access> {
  const service = await AccessService.open({
    repo: new AccessRequestRepository(deps.database),
    coop: deps.coop,
    tickets: deps.tickets,
    ca: new CertificateAuthority(deps.ca),
    recorderCommand: deps.recorderCommand,
    now: deps.now,
    onError: deps.onError,
  });
  const onError = deps.onError ?? (() => {});
  const timer = setInterval(() => {
    service.expireRequests().catch(onError);
    service.reconcileSoon();
  }, EXPIRY_CHECK_MS);
  timer.unref();
  return {
    service,
    routes: (app) => accessRoutes(app, service),
    checkSessionCertificate: (input, at): Promise<SessionCertificateCheck> =>
      service.checkSessionCertificate(input, at),
    onRevoked: (listener) => service.onRevoked(listener),
    close() {
      clearInterval(timer);
      service.close();
    },
  };
}
