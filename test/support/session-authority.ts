import type { AccessPolicy } from '@allmende/protocol';
import { SshError, parseCertificate, parsePublicKey, verifyCertificate } from '@allmende/ssh';
import type {
  SessionAuthority,
  SessionDenial,
  SessionGrant,
  SessionRequest,
} from '../../apps/server/src/sessions/session-authority.ts';

/**
 * A stand-in for the cooperative's certificate authority, for tests only: it accepts
 * certificates that a test CA made with `ssh-keygen -s`, whose key ID names a request the test
 * registered, and that it has not revoked. The production check lives in apps/server/src/access.
 */
export class TestSessionAuthority implements SessionAuthority {
  readonly #caKey: string;
  readonly #requests = new Map<string, { request: SessionRequest; policy: AccessPolicy }>();
  readonly #revoked = new Set<bigint>();
  readonly #listeners: ((serial: bigint) => void)[] = [];

  constructor(caKeyLine: string) {
    this.#caKey = caKeyLine;
  }

  /** An approved request whose certificates carry `id` as key ID. */
  approve(request: SessionRequest, policy: AccessPolicy): void {
    this.#requests.set(request.id, { request, policy });
  }

  revoke(serial: bigint): void {
    this.#revoked.add(serial);
    for (const listener of this.#listeners) listener(serial);
  }

  async checkSessionCertificate(
    check: { host: string; principal: string; certificate: string },
    at: Date,
  ): Promise<SessionGrant | SessionDenial> {
    try {
      const certificate = parseCertificate(check.certificate);
      await verifyCertificate(certificate, {
        caKey: parsePublicKey(this.#caKey),
        at: BigInt(Math.floor(at.getTime() / 1000)),
        principal: check.principal,
        type: 'user',
      });
      if (this.#revoked.has(certificate.serial)) {
        return { ok: false, code: 'SESSION_REFUSED', message: 'the certificate is revoked' };
      }
      const approved = this.#requests.get(certificate.keyId);
      if (!approved) {
        return {
          ok: false,
          code: 'SESSION_REFUSED',
          message: `no approved request ${certificate.keyId}`,
        };
      }
      return {
        ok: true,
        request: approved.request,
        policy: approved.policy,
        serial: certificate.serial,
        validBefore: new Date(Number(certificate.validBefore) * 1000),
      };
    } catch (error) {
      if (!(error instanceof SshError)) throw error;
      return { ok: false, code: 'SESSION_REFUSED', message: error.message };
    }
  }

  onRevoked(listener: (serial: bigint) => void): void {
    this.#listeners.push(listener);
  }
}
