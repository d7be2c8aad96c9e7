import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';

export type EnrolmentTokenRow = Schema['enrolment_tokens'];
export type EnrolmentRow = Schema['host_enrolments'];
export type AttestationRow = Schema['host_attestations'];

/** Enrolment tokens, enrolled host keys and the latest attestation of each host. */
export class HostRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: Pick<Database, 'db'>) {
    this.#db = database.db;
  }

  async insertToken(row: EnrolmentTokenRow): Promise<void> {
    await this.#db.insertInto('enrolment_tokens').values(row).execute();
  }

  async token(digest: string): Promise<EnrolmentTokenRow | undefined> {
    return this.#db
      .selectFrom('enrolment_tokens')
      .selectAll()
      .where('token_digest', '=', digest)
      .executeTakeFirst();
  }

  /** Marks a token used and records the enrolment, in the transaction of `host.enrolled`. */
  async commitEnrolment(
    trx: Transaction<Schema>,
    tokenDigest: string,
    usedAt: string,
    row: EnrolmentRow,
  ): Promise<void> {
    await trx
      .updateTable('enrolment_tokens')
      .set({ used_at: usedAt })
      .where('token_digest', '=', tokenDigest)
      .execute();
    await trx.deleteFrom('host_enrolments').where('host', '=', row.host).execute();
    await trx.insertInto('host_enrolments').values(row).execute();
    // A new host key starts a new history of attestations.
    await trx.deleteFrom('host_attestations').where('host', '=', row.host).execute();
  }

  async enrolments(): Promise<EnrolmentRow[]> {
    return this.#db.selectFrom('host_enrolments').selectAll().orderBy('host').execute();
  }

  async enrolment(host: string): Promise<EnrolmentRow | undefined> {
    return this.#db
      .selectFrom('host_enrolments')
      .selectAll()
      .where('host', '=', host)
      .executeTakeFirst();
  }

  async attestation(host: string): Promise<AttestationRow | undefined> {
    return this.#db
      .selectFrom('host_attestations')
      .selectAll()
      .where('host', '=', host)
      .executeTakeFirst();
  }

  async saveAttestation(trx: Transaction<Schema>, row: AttestationRow): Promise<void> {
    await trx.deleteFrom('host_attestations').where('host', '=', row.host).execute();
    await trx.insertInto('host_attestations').values(row).execute();
  }
}
