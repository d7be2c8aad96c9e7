import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';

export type AccessRequestRow = Selectable<Schema['access_requests']>;
export type AccessApprovalRow = Selectable<Schema['access_approvals']>;
export type AccessCertificateRow = Selectable<Schema['access_certificates']>;
/** The transaction of the log append that a change commits with (see AppendEffect). */
export type Executor = Transaction<Schema>;

export type AccessRequestFilter = {
  statuses?: readonly string[];
  host?: string;
  requester?: string;
  ticket?: number;
  limit: number;
};

/** The access tables. PostgreSQL answers bigint columns as strings: they become numbers here. */
export class AccessRequestRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: Pick<Database, 'db'>) {
    this.#db = database.db;
  }

  /**
   * Runs `read` on one snapshot of the tables: a request, its approvals and its certificate read
   * one after another could straddle a revocation committed in between (seen on PostgreSQL).
   */
  snapshot<T>(read: (repo: AccessRequestRepository) => Promise<T>): Promise<T> {
    return this.#db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => read(new AccessRequestRepository({ db: trx })));
  }

  async insertRequest(trx: Executor, row: AccessRequestRow): Promise<void> {
    await trx.insertInto('access_requests').values(row).execute();
  }

  async insertApproval(trx: Executor, row: AccessApprovalRow): Promise<void> {
    await trx.insertInto('access_approvals').values(row).execute();
  }

  async closeRequest(
    trx: Executor,
    idx: number,
    changes: Pick<AccessRequestRow, 'status'> &
      Partial<Pick<AccessRequestRow, 'closed_idx' | 'denied_by' | 'deny_reason'>>,
  ): Promise<void> {
    await trx.updateTable('access_requests').set(changes).where('idx', '=', idx).execute();
  }

  async insertCertificate(trx: Executor, row: AccessCertificateRow): Promise<void> {
    await trx.insertInto('access_certificates').values(row).execute();
    await trx
      .updateTable('access_requests')
      .set({ status: 'issued' })
      .where('idx', '=', row.request_idx)
      .execute();
  }

  async revokeCertificate(
    trx: Executor,
    serial: number,
    changes: { revoked_idx: number; revoke_reason: string },
  ): Promise<void> {
    await trx
      .updateTable('access_certificates')
      .set(changes)
      .where('serial', '=', serial)
      .execute();
  }

  async request(idx: number): Promise<AccessRequestRow | undefined> {
    const row = await this.#db
      .selectFrom('access_requests')
      .selectAll()
      .where('idx', '=', idx)
      .executeTakeFirst();
    return row && requestRow(row);
  }

  /** Requests, newest first. */
  async requests(filter: AccessRequestFilter): Promise<AccessRequestRow[]> {
    let query = this.#db.selectFrom('access_requests').selectAll();
    if (filter.statuses) query = query.where('status', 'in', [...filter.statuses]);
    if (filter.host !== undefined) query = query.where('host', '=', filter.host);
    if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
    if (filter.ticket !== undefined) query = query.where('ticket', '=', filter.ticket);
    const rows = await query.orderBy('idx', 'desc').limit(filter.limit).execute();
    return rows.map(requestRow);
  }

  /** Pending requests made before `before` (ISO time), oldest first. */
  async pendingSince(before: string): Promise<AccessRequestRow[]> {
    const rows = await this.#db
      .selectFrom('access_requests')
      .selectAll()
      .where('status', '=', 'pending')
      .where('created_at', '<', before)
      .orderBy('idx')
      .execute();
    return rows.map(requestRow);
  }

  async approvals(requests: readonly number[]): Promise<Map<number, AccessApprovalRow[]>> {
    const byRequest = new Map<number, AccessApprovalRow[]>();
    if (requests.length === 0) return byRequest;
    const rows = await this.#db
      .selectFrom('access_approvals')
      .selectAll()
      .where('request_idx', 'in', [...requests])
      .orderBy('idx')
      .execute();
    for (const raw of rows) {
      const row = { ...raw, idx: Number(raw.idx), request_idx: Number(raw.request_idx) };
      byRequest.set(row.request_idx, [...(byRequest.get(row.request_idx) ?? []), row]);
    }
    return byRequest;
  }

  async certificates(requests: readonly number[]): Promise<Map<number, AccessCertificateRow>> {
    const byRequest = new Map<number, AccessCertificateRow>();
    if (requests.length === 0) return byRequest;
    const rows = await this.#db
      .selectFrom('access_certificates')
      .selectAll()
      .where('request_idx', 'in', [...requests])
      .execute();
    for (const row of rows.map(certificateRow)) byRequest.set(row.request_idx, row);
    return byRequest;
  }

  async certificateBySerial(serial: number): Promise<AccessCertificateRow | undefined> {
    const row = await this.#db
      .selectFrom('access_certificates')
      .selectAll()
      .where('serial', '=', serial)
      .executeTakeFirst();
    return row && certificateRow(row);
  }

  /** Every revoked serial, in order. */
  async revokedSerials(): Promise<{ serials: number[] }> {
    const rows = await this.#db
      .selectFrom('access_certificates')
      .select('serial')
      .where('revoked_idx', 'is not', null)
      .orderBy('serial')
      .execute();
    return { serials: rows.map((r) => Number(r.serial)) };
  }
}

function requestRow(row: AccessRequestRow): AccessRequestRow {
  return {
    ...row,
    idx: Number(row.idx),
    ticket: Number(row.ticket),
    closed_idx: row.closed_idx === null ? null : Number(row.closed_idx),
  };
}

function certificateRow(row: AccessCertificateRow): AccessCertificateRow {
  return {
    ...row,
    serial: Number(row.serial),
    request_idx: Number(row.request_idx),
    issued_idx: Number(row.issued_idx),
    revoked_idx: row.revoked_idx === null ? null : Number(row.revoked_idx),
  };
}
