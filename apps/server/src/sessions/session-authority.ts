import type { AccessPolicy } from '@allmende/protocol';

/** What a host's recorder presents: the certificate sshd accepted, for a login on a host. */
export type SessionCertificateCheck = { host: string; principal: string; certificate: string };

/** The approved request behind a certificate, as far as a session needs it. */
export type SessionRequest = {
  id: string;
  ticket: number;
  requester: string;
  /** The one command the request allows, if it named one. */
  command?: string;
};

export type SessionGrant = {
  ok: true;
  request: SessionRequest;
  policy: AccessPolicy;
  serial: bigint;
  validBefore: Date;
};

export type SessionDenial = { ok: false; code: string; message: string };

/**
 * Who decides whether a certificate opens a session: the cooperative's certificate authority
 * (apps/server/src/access), which knows the requests, their approvals, the certificates it
 * issued and those it revoked. Sessions depend on this shape only, so that the CA can change
 * without them.
 */
export type SessionAuthority = {
  /**
   * Whether `certificate` is one the CA issued for an approved request, for `principal` on
   * `host`, valid at `at` and not revoked.
   */
  checkSessionCertificate(
    check: SessionCertificateCheck,
    at: Date,
  ): Promise<SessionGrant | SessionDenial>;
  /** Calls `listener` with the serial of every certificate revoked from now on. */
  onRevoked(listener: (serial: bigint) => void): void;
};
