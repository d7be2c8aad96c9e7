import { encodeHex } from '@allmende/bytes';
import {
  SubmittedAccessRequest,
  type AccessPolicy,
  type AccessRequest,
  type AccessRequestQuery,
  type AccessStatus,
  type ErrorCode,
  type RevocationReason,
  type StatementDraft,
  type StatementReceipt,
  type SubmittedAccessApproval,
  type SubmittedAccessDenial,
  type SubmittedAccessWithdrawal,
  type SubmittedStatement,
} from '@allmende/protocol';
import {
  RuleViolation,
  accessConsent,
  accessKeyId,
  accessPolicyForHost,
  evaluateStatement,
  lookup,
  requestDigest,
  revocationDue,
  verifySignatures,
  type AccessRecord,
  type CoopState,
} from '@allmende/rules';
import {
  SshError,
  parseCertificate,
  parsePublicKey,
  verifyCertificate,
  type SshCertificate,
} from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { AppError } from '../errors.ts';
import type { AppendEffect } from '../log/log.repo.ts';
import type {
  AccessApprovalRow,
  AccessCertificateRow,
  AccessRequestRepository,
  AccessRequestRow,
} from './access-request.repo.ts';
import type { CertificateAuthority } from './certificate-authority.ts';

/** A request that was neither approved nor denied within this time expires (docs/consent.md). */
export const REQUEST_EXPIRY_HOURS = 24;
/** The recorder that every certificate forces (`force-command`), unless configured otherwise. */
export const DEFAULT_RECORDER_COMMAND = 'allmende-recorder';

/** What the access domain needs of the cooperative (CoopService). */
export type AccessCoop = {
  readonly state: Readonly<CoopState>;
  submitAccess(statement: SubmittedStatement, effect: AppendEffect): Promise<StatementReceipt>;
  appendChecked(
    draft: Extract<StatementDraft, { actor: 'coop' }>,
    effect?: AppendEffect,
  ): Promise<{ index: number }>;
  onStatement(listener: (statement: StatementDraft, index: number) => void): () => void;
};

/** What it needs of the help desk: whether a ticket exists, and its status. */
export type AccessTickets = {
  ticket(viewer: undefined, id: number): Promise<{ status: string }>;
};

export type AccessServiceOptions = {
  repo: AccessRequestRepository;
  coop: AccessCoop;
  tickets: AccessTickets;
  ca: CertificateAuthority;
  recorderCommand?: string;
  now?: () => Date;
  /** Where failures of background work (expiry, revocation) are reported. */
  onError?: (error: unknown) => void;
};

/** What the session recorder learns of a certificate presented to a host. */
export type SessionCertificateCheck =
  | {
      ok: true;
      request: AccessRequest;
      policy: AccessPolicy;
      serial: bigint;
      validBefore: Date;
    }
  | { ok: false; code: ErrorCode; message: string };

const FINISHED_TICKETS = ['resolved', 'closed'];

/**
 * Requests for privileged access to a host, their approvals and the certificates of the CA
 * (DESIGN.md, "The life of a privileged action"). Every step is a statement in the log, checked
 * by the rules (packages/rules/src/access.ts) as anyone replaying the log checks it; the server
 * adds what the log cannot know — that the ticket exists and is not finished — and holds the CA
 * key, with which it certifies only what the approvals in the log allow.
 */
export class AccessService {
  readonly #repo: AccessRequestRepository;
  readonly #coop: AccessCoop;
  readonly #tickets: AccessTickets;
  readonly #ca: CertificateAuthority;
  readonly #recorderCommand: string;
  readonly #now: () => Date;
  readonly #onError: (error: unknown) => void;
  readonly #revokedListeners = new Set<(serial: bigint) => void>();
  #krl: { bytes: Uint8Array; etag: string } = { bytes: new Uint8Array(), etag: '""' };
  #turn: Promise<unknown> = Promise.resolve();
  #unsubscribe: () => void = () => {};

  private constructor(options: AccessServiceOptions) {
    this.#repo = options.repo;
    this.#coop = options.coop;
    this.#tickets = options.tickets;
    this.#ca = options.ca;
    this.#recorderCommand = options.recorderCommand ?? DEFAULT_RECORDER_COMMAND;
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Opens the access domain: the CA must be the one the log announced, revocations that a
   * crash left undone are done, and the KRL is written.
   * @throws AppError CONFIG_INVALID when the data folder's CA key is not the log's CA
   */
  static async open(options: AccessServiceOptions): Promise<AccessService> {
    const service = new AccessService(options);
    const announced = options.coop.state.access.ca;
    if (announced !== null && announced !== options.ca.publicKey) {
      throw new AppError(
        'CONFIG_INVALID',
        `the CA key in the data folder (${options.ca.publicKey}) is not the CA this log announced (${announced})`,
      );
    }
    await service.#exclusive(() => service.#reconcile());
    await service.#writeRevocationList();
    // Removals, key revocations and withdrawals revoke certificates as soon as they are logged;
    // a changed policy or service may complete a request's approvals.
    service.#unsubscribe = options.coop.onStatement(() => service.reconcileSoon());
    return service;
  }

  close(): void {
    this.#unsubscribe();
  }

  /** Revokes what must be revoked and issues what is approved, after the work under way. */
  reconcileSoon(): void {
    this.#exclusive(() => this.#reconcile()).catch(this.#onError);
  }

  /** The CA's public key line, for hosts' `TrustedUserCAKeys`. */
  get caPublicKey(): string {
    return this.#ca.publicKey;
  }

  /** The current OpenSSH KRL and its ETag. */
  get revocationList(): { bytes: Uint8Array; etag: string } {
    return this.#krl;
  }

  /** Calls `listener` with the serial of every certificate revoked from now on. */
  onRevoked(listener: (serial: bigint) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  // --- Statements -----------------------------------------------------------------------------

  /**
   * Records a signed request; issues its certificate at once if the policy needs no approval.
   * @throws AppError STATEMENT_REFUSED (rules access.no-ticket, access.ticket-closed, and those
   *   of the log), STATEMENT_REPLAYED
   */
  request(statement: SubmittedAccessRequest): Promise<AccessRequest> {
    return this.#exclusive(async () => {
      await this.#requireOpenTicket(statement.body.ticket);
      // Checked before the CA is announced, so that a refused first request writes nothing.
      await this.#precheck(statement);
      await this.#announceCa();
      const { body } = statement;
      const digest = requestDigest(statement);
      const publicKey = this.#sshKey(statement.actor.slice('member:'.length), body.key);
      const { index } = await this.#coop.submitAccess(statement, (trx, idx) =>
        this.#repo.insertRequest(trx, {
          idx,
          digest,
          statement: JSON.stringify(statement),
          requester: statement.actor.slice('member:'.length),
          host: body.host,
          login: body.login,
          minutes: body.minutes,
          ticket: body.ticket,
          reason: body.reason,
          command: body.command ?? null,
          key_id: body.key,
          public_key: publicKey ?? '',
          status: 'pending',
          created_at: this.#now().toISOString(),
          closed_idx: null,
          denied_by: null,
          deny_reason: null,
        }),
      );
      await this.#issueOrReport(index);
      return this.#viewOf(index);
    });
  }

  /**
   * Records an approval; the CA certifies the request once its approvals meet the policy.
   * @throws AppError ACCESS_REQUEST_NOT_FOUND, BAD_REQUEST, STATEMENT_REFUSED
   */
  approve(id: number, statement: SubmittedAccessApproval): Promise<AccessRequest> {
    return this.#exclusive(async () => {
      await this.#requireAnswer(id, statement);
      await this.#coop.submitAccess(statement, (trx, idx) =>
        this.#repo.insertApproval(trx, {
          idx,
          request_idx: id,
          handle: statement.actor.slice('member:'.length),
          at: this.#now().toISOString(),
        }),
      );
      await this.#issueOrReport(id);
      return this.#viewOf(id);
    });
  }

  /** @throws AppError ACCESS_REQUEST_NOT_FOUND, BAD_REQUEST, STATEMENT_REFUSED */
  deny(id: number, statement: SubmittedAccessDenial): Promise<AccessRequest> {
    return this.#exclusive(async () => {
      await this.#requireAnswer(id, statement);
      await this.#coop.submitAccess(statement, (trx, idx) =>
        this.#repo.closeRequest(trx, id, {
          status: 'denied',
          closed_idx: idx,
          denied_by: statement.actor.slice('member:'.length),
          deny_reason: statement.body.reason ?? null,
        }),
      );
      return this.#viewOf(id);
    });
  }

  /**
   * The requester withdraws a request; a certificate issued for it is revoked right after.
   * @throws AppError ACCESS_REQUEST_NOT_FOUND, BAD_REQUEST, STATEMENT_REFUSED
   */
  withdraw(id: number, statement: SubmittedAccessWithdrawal): Promise<AccessRequest> {
    return this.#exclusive(async () => {
      await this.#requireAnswer(id, statement);
      await this.#coop.submitAccess(statement, (trx, idx) =>
        this.#repo.closeRequest(trx, id, { status: 'withdrawn', closed_idx: idx }),
      );
      await this.#reconcile();
      return this.#viewOf(id);
    });
  }

  /**
   * Issues the certificate of a pending request whose approvals meet the policy. Normally this
   * happens by itself after the approval that completes them.
   * @throws AppError ACCESS_REQUEST_NOT_FOUND, STATEMENT_REFUSED (access.approvals,
   *   access.steward, access.not-pending …), ACCESS_CA_FAILED
   */
  issue(id: number): Promise<AccessRequest> {
    return this.#exclusive(async () => {
      await this.#requireRow(id);
      const record = lookup(this.#coop.state.access.requests, String(id));
      if (!record || record.status !== 'pending') {
        throw new AppError('STATEMENT_REFUSED', `request ${id} is not pending`, {
          rule: 'access.not-pending',
        });
      }
      await this.#issue(record);
      return this.#viewOf(id);
    });
  }

  /** Writes `access.expired` for every request left pending longer than the time limit. */
  expireRequests(): Promise<number[]> {
    return this.#exclusive(async () => {
      const limit = new Date(this.#now().getTime() - REQUEST_EXPIRY_HOURS * 3_600_000);
      const expired: number[] = [];
      for (const row of await this.#repo.pendingSince(limit.toISOString())) {
        const record = lookup(this.#coop.state.access.requests, String(row.idx));
        if (record?.status !== 'pending') continue;
        await this.#coop.appendChecked(
          { actor: 'coop', type: 'access.expired', body: { request: row.idx } },
          (trx, idx) =>
            this.#repo.closeRequest(trx, row.idx, { status: 'expired', closed_idx: idx }),
        );
        expired.push(row.idx);
      }
      return expired;
    });
  }

  /**
   * Issues the certificate of an approved request. The approval that completed it is in the log
   * already: if the CA fails now, the failure is reported and the next reconciliation retries.
   */
  async #issueOrReport(id: number): Promise<void> {
    const record = lookup(this.#coop.state.access.requests, String(id));
    if (record?.status === 'pending' && accessConsent(this.#coop.state, record).satisfied) {
      await this.#issue(record).catch(this.#onError);
    }
  }

  /** The rules' verdict on a member's access statement, before anything is appended. */
  async #precheck(statement: SubmittedStatement): Promise<void> {
    try {
      const signers = await verifySignatures(this.#coop.state, statement);
      const [missing] = evaluateStatement(this.#coop.state, statement, signers).missing;
      if (missing) throw new RuleViolation(missing.rule, missing.text);
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      throw new AppError('STATEMENT_REFUSED', error.message, { rule: error.rule, cause: error });
    }
  }

  /** Certifies the request's key with ssh-keygen, checks the certificate, logs `cert.issued`. */
  async #issue(record: AccessRecord): Promise<void> {
    const state = this.#coop.state;
    const consent = accessConsent(state, record);
    if (!consent.satisfied) {
      throw new AppError('STATEMENT_REFUSED', consent.missing.join('; '), {
        rule: consent.have < consent.need ? 'access.approvals' : 'access.steward',
      });
    }
    const publicKey = this.#sshKey(record.requester, record.key);
    if (!publicKey) {
      throw new AppError(
        'STATEMENT_REFUSED',
        `${record.key} is no longer a key of ${record.requester}`,
        {
          rule: 'access.key',
        },
      );
    }
    const policy = accessPolicyForHost(state, record.host);
    const validAfter = Math.floor(this.#now().getTime() / 1000);
    const validBefore = validAfter + Math.min(record.minutes, policy.maxCertificateMinutes) * 60;
    const serial = state.access.lastSerial + 1;
    const keyId = accessKeyId(state.origin, record.index);
    const line = await this.#ca.issue({
      publicKey,
      keyId,
      serial,
      principal: record.login,
      validAfter,
      validBefore,
      forceCommand: this.#recorderCommand,
    });
    const certificate = await this.#checkIssued(line, {
      serial,
      keyId,
      principal: record.login,
      at: validAfter,
    });
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    const body = {
      request: record.index,
      approvals: consent.counted.map((a) => a.index),
      serial,
      keyId,
      principal: record.login,
      validAfter: iso(validAfter),
      validBefore: iso(validBefore),
      key: record.key,
      digest: encodeHex(sha256(certificate.blob)),
      certificate: line,
    };
    await this.#coop.appendChecked({ actor: 'coop', type: 'cert.issued', body }, (trx, idx) =>
      this.#repo.insertCertificate(trx, {
        serial,
        request_idx: record.index,
        key_id: keyId,
        principal: record.login,
        valid_after: body.validAfter,
        valid_before: body.validBefore,
        certificate: line,
        digest: body.digest,
        issued_idx: idx,
        revoked_idx: null,
        revoke_reason: null,
      }),
    );
  }

  /** What ssh-keygen wrote must be exactly the certificate that was ordered. */
  async #checkIssued(
    line: string,
    expected: { serial: number; keyId: string; principal: string; at: number },
  ): Promise<SshCertificate> {
    try {
      const certificate = parseCertificate(line);
      await verifyCertificate(certificate, {
        caKey: parsePublicKey(this.#ca.publicKey),
        at: BigInt(expected.at),
        principal: expected.principal,
        type: 'user',
      });
      if (
        certificate.serial !== BigInt(expected.serial) ||
        certificate.keyId !== expected.keyId ||
        certificate.criticalOptions.get('force-command') !== this.#recorderCommand
      ) {
        throw new Error('its serial, key ID or force-command differ from the order');
      }
      return certificate;
    } catch (error) {
      throw new AppError(
        'ACCESS_CA_FAILED',
        `ssh-keygen made a certificate that does not hold: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Revokes every issued certificate that a withdrawal, departure or key revocation ended, and
   * issues those of pending requests whose approvals meet the policy now.
   */
  async #reconcile(): Promise<void> {
    const now = this.#now().toISOString();
    for (const record of Object.values(this.#coop.state.access.requests)) {
      const reason = revocationDue(this.#coop.state, record);
      if (reason && record.certificate && record.certificate.validBefore > now) {
        await this.#revoke(record, reason);
      } else if (record.status === 'pending') {
        await this.#issueOrReport(record.index);
      }
    }
  }

  async #revoke(record: AccessRecord, reason: RevocationReason): Promise<void> {
    const serial = record.certificate?.serial;
    if (serial === undefined) return;
    // The KRL is made first, so that it is served the moment the revocation is committed.
    const krl = await this.#revocationListWith([serial]);
    await this.#coop.appendChecked(
      { actor: 'coop', type: 'cert.revoked', body: { request: record.index, serial, reason } },
      async (trx, idx) => {
        await this.#repo.revokeCertificate(trx, serial, {
          revoked_idx: idx,
          revoke_reason: reason,
        });
        if (reason !== 'withdrawn') {
          await this.#repo.closeRequest(trx, record.index, { status: 'revoked', closed_idx: idx });
        }
      },
    );
    this.#krl = krl;
    for (const listener of this.#revokedListeners) {
      try {
        listener(BigInt(serial));
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  async #writeRevocationList(): Promise<void> {
    this.#krl = await this.#revocationListWith([]);
  }

  /**
   * The KRL of every revoked serial and `more`. Its version is the number of serials; ssh-keygen
   * stamps each KRL with the time it made it, so the ETag is weak: it names the serials.
   */
  async #revocationListWith(more: readonly number[]): Promise<{ bytes: Uint8Array; etag: string }> {
    const { serials } = await this.#repo.revokedSerials();
    const all = [...new Set([...serials, ...more])].sort((a, b) => a - b);
    const bytes = await this.#ca.revocationList(all, all.length);
    const names = encodeHex(
      sha256(new TextEncoder().encode(`${this.#ca.publicKey}\n${all.join(',')}`)),
    );
    return { bytes, etag: `W/"${names.slice(0, 32)}"` };
  }

  /** The CA is announced in the log once, before the first request it may certify. */
  async #announceCa(): Promise<void> {
    if (this.#coop.state.access.ca !== null) return;
    await this.#coop.appendChecked({
      actor: 'coop',
      type: 'ca.created',
      body: { key: this.#ca.publicKey },
    });
  }

  // --- Reads ----------------------------------------------------------------------------------

  /** @throws AppError ACCESS_REQUEST_NOT_FOUND */
  async get(id: number): Promise<AccessRequest> {
    return this.#viewOf(id);
  }

  async list(query: AccessRequestQuery): Promise<AccessRequest[]> {
    const statuses: AccessStatus[] | undefined =
      query.open === '1' ? ['pending', 'issued'] : query.status ? [query.status] : undefined;
    return this.#repo.snapshot(async (repo) => {
      const rows = await repo.requests({
        statuses,
        host: query.host,
        requester: query.requester,
        ticket: query.ticket,
        limit: query.limit,
      });
      return this.#views(repo, rows);
    });
  }

  /**
   * The certificate of an issued request, as a `-cert.pub` line with its key ID as comment.
   * @throws AppError ACCESS_REQUEST_NOT_FOUND, ACCESS_NOT_ISSUED
   */
  async certificateLine(id: number): Promise<string> {
    const view = await this.#viewOf(id);
    const certificate = view.certificate;
    if (!certificate || view.status !== 'issued' || certificate.revokedIndex !== null) {
      throw new AppError(
        'ACCESS_NOT_ISSUED',
        certificate
          ? `the certificate of request ${id} was revoked (entry ${certificate.revokedIndex ?? '?'})`
          : `request ${id} is ${view.status}: ${view.consent.missing.join('; ') || 'no certificate was issued'}`,
      );
    }
    return `${certificate.certificate} ${certificate.keyId}\n`;
  }

  /**
   * Whether a certificate presented to a host opens a session there: issued by this CA for an
   * approved request for this host and principal, valid at `at`, and not revoked. Anything else,
   * garbage included, is an answer with a code, never an exception.
   */
  async checkSessionCertificate(
    { host, principal, certificate }: { host: string; principal: string; certificate: string },
    at: Date,
  ): Promise<SessionCertificateCheck> {
    const refuse = (code: ErrorCode, message: string): SessionCertificateCheck => ({
      ok: false,
      code,
      message,
    });
    if (
      typeof certificate !== 'string' ||
      typeof host !== 'string' ||
      typeof principal !== 'string'
    ) {
      return refuse('ACCESS_CERT_INVALID', 'host, principal and certificate are text');
    }
    let cert: SshCertificate;
    try {
      cert = parseCertificate(certificate);
      await verifyCertificate(cert, {
        caKey: parsePublicKey(this.#ca.publicKey),
        at: BigInt(Math.floor(at.getTime() / 1000)),
        principal,
        type: 'user',
      });
    } catch (error) {
      if (!(error instanceof SshError)) throw error;
      const code: ErrorCode =
        error.code === 'SSH_CERT_WRONG_CA'
          ? 'ACCESS_CERT_WRONG_CA'
          : error.code === 'SSH_CERT_EXPIRED' || error.code === 'SSH_CERT_NOT_YET_VALID'
            ? 'ACCESS_CERT_EXPIRED'
            : error.code === 'SSH_CERT_WRONG_PRINCIPAL' || error.code === 'SSH_CERT_NO_PRINCIPALS'
              ? 'ACCESS_CERT_WRONG_PRINCIPAL'
              : 'ACCESS_CERT_INVALID';
      return refuse(code, error.message);
    }
    const row =
      cert.serial <= BigInt(Number.MAX_SAFE_INTEGER)
        ? await this.#repo.certificateBySerial(Number(cert.serial))
        : undefined;
    if (!row || row.digest !== encodeHex(sha256(cert.blob))) {
      return refuse(
        'ACCESS_CERT_UNKNOWN',
        `the CA issued no such certificate (serial ${cert.serial})`,
      );
    }
    const record = lookup(this.#coop.state.access.requests, String(row.request_idx));
    if (
      row.revoked_idx !== null ||
      record?.status !== 'issued' ||
      revocationDue(this.#coop.state, record) !== undefined
    ) {
      return refuse(
        'ACCESS_CERT_REVOKED',
        `the certificate of request ${row.request_idx} was revoked${row.revoke_reason ? ` (${row.revoke_reason})` : ''}`,
      );
    }
    const request = await this.#viewOf(row.request_idx);
    if (request.host !== host) {
      return refuse(
        'ACCESS_CERT_WRONG_HOST',
        `the certificate is for ${request.host}, not for ${host}`,
      );
    }
    return {
      ok: true,
      request,
      policy: accessPolicyForHost(this.#coop.state, host),
      serial: cert.serial,
      validBefore: new Date(Number(cert.validBefore) * 1000),
    };
  }

  async #viewOf(id: number): Promise<AccessRequest> {
    return this.#repo.snapshot(async (repo) => {
      const row = await repo.request(id);
      if (!row) throw new AppError('ACCESS_REQUEST_NOT_FOUND', `there is no access request ${id}`);
      const [view] = await this.#views(repo, [row]);
      if (!view) throw new AppError('INTERNAL', `request ${id} has no view`);
      return view;
    });
  }

  async #views(
    repo: AccessRequestRepository,
    rows: readonly AccessRequestRow[],
  ): Promise<AccessRequest[]> {
    const ids = rows.map((r) => r.idx);
    const [approvals, certificates] = await Promise.all([
      repo.approvals(ids),
      repo.certificates(ids),
    ]);
    return rows.map((row) =>
      this.#view(row, approvals.get(row.idx) ?? [], certificates.get(row.idx)),
    );
  }

  #view(
    row: AccessRequestRow,
    approvals: readonly AccessApprovalRow[],
    certificate: AccessCertificateRow | undefined,
  ): AccessRequest {
    const state = this.#coop.state;
    const record = lookup(state.access.requests, String(row.idx));
    const policy = accessPolicyForHost(state, row.host);
    const live = record?.status === 'pending' ? accessConsent(state, record) : undefined;
    const counted = new Set(live?.counted.map((a) => a.index));
    return {
      id: row.idx,
      digest: row.digest,
      statement: SubmittedAccessRequest.parse(JSON.parse(row.statement)),
      requester: row.requester,
      host: row.host,
      login: row.login,
      minutes: row.minutes,
      ticket: row.ticket,
      reason: row.reason,
      command: row.command,
      key: row.key_id,
      publicKey: row.public_key,
      status: row.status as AccessStatus,
      createdAt: row.created_at,
      approvals: approvals.map((a) => ({
        handle: a.handle,
        index: a.idx,
        at: a.at,
        counts: live ? counted.has(a.idx) : certificate !== undefined,
      })),
      denial: row.denied_by
        ? { handle: row.denied_by, index: row.closed_idx ?? 0, reason: row.deny_reason }
        : null,
      closedIndex: row.closed_idx,
      policy,
      consent: live
        ? {
            satisfied: live.satisfied,
            need: live.need,
            have: live.have,
            stewards: live.stewards,
            missing: live.missing,
          }
        : {
            satisfied: certificate !== undefined,
            need: policy.approvals,
            have: approvals.length,
            stewards: [],
            missing: [],
          },
      certificate: certificate
        ? {
            serial: certificate.serial,
            keyId: certificate.key_id,
            principal: certificate.principal,
            validAfter: certificate.valid_after,
            validBefore: certificate.valid_before,
            digest: certificate.digest,
            certificate: certificate.certificate,
            issuedIndex: certificate.issued_idx,
            revokedIndex: certificate.revoked_idx,
            revokeReason: certificate.revoke_reason,
          }
        : null,
    };
  }

  // --- Checks ---------------------------------------------------------------------------------

  /** No ticket, no request: it must exist and not be finished (the log cannot tell reopening). */
  async #requireOpenTicket(id: number): Promise<void> {
    let status: string;
    try {
      status = (await this.#tickets.ticket(undefined, id)).status;
    } catch (error) {
      if (error instanceof AppError && error.code === 'DESK_TICKET_NOT_FOUND') {
        throw new AppError(
          'STATEMENT_REFUSED',
          `there is no ticket #${id}: no ticket, no request`,
          {
            rule: 'access.no-ticket',
            cause: error,
          },
        );
      }
      throw error;
    }
    if (FINISHED_TICKETS.includes(status)) {
      throw new AppError(
        'STATEMENT_REFUSED',
        `ticket #${id} is ${status}: reopen it, or open a new one, before requesting access`,
        { rule: 'access.ticket-closed' },
      );
    }
  }

  async #requireRow(id: number): Promise<AccessRequestRow> {
    const row = await this.#repo.request(id);
    if (!row) throw new AppError('ACCESS_REQUEST_NOT_FOUND', `there is no access request ${id}`);
    return row;
  }

  async #requireAnswer(id: number, statement: { body: { request: number } }): Promise<void> {
    await this.#requireRow(id);
    if (statement.body.request !== id) {
      throw new AppError(
        'BAD_REQUEST',
        `the statement answers request ${statement.body.request}, not request ${id}`,
      );
    }
  }

  /** The public key line of a member's current SSH key, by its fingerprint. */
  #sshKey(handle: string, keyId: string): string | undefined {
    const member = lookup(this.#coop.state.members, handle);
    const key = member?.keys.find((k) => k.id === keyId && k.revokedAt === null)?.key;
    return key?.kind === 'ssh' ? key.publicKey : undefined;
  }

  /** One change at a time: serials are handed out in order, and a revocation is logged once. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(work);
    this.#turn = result.catch(() => undefined);
    return result;
  }
}
