import { emptyAccess, type CoopState } from '@allmende/rules';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { PROJECTION_TABLES, projectionRows, type ProjectionRows } from './projection.ts';

export type ProposalRow = Schema['proposals'];
export type InvitationRow = Schema['invitations'];

/** What commits with a statement's entry: the state it leads to, and what it consumed. */
export type StatementEffects = {
  state: CoopState;
  /** The digest of a member statement's signed part, so that it can never count twice. */
  digest?: string;
  /** Contact data of members admitted by this statement (never in the log). */
  contacts?: { handle: string; email: string }[];
  /** The proposal this statement completes. */
  proposalId?: string;
  /** The invitation an admission answered. */
  invitation?: { codeDigest: string; usedBy: string };
};

/** The cooperative's tables: the projection of the log, and what stays out of it. */
export class CoopRepository {
  readonly #db: Kysely<Schema>;

  constructor(database: Pick<Database, 'db'>) {
    this.#db = database.db;
  }

  async snapshot(): Promise<CoopState | undefined> {
    const row = await this.#db
      .selectFrom('coop_snapshot')
      .select('state')
      .where('id', '=', 1)
      .executeTakeFirst();
    if (!row) return undefined;
    const state = JSON.parse(row.state) as CoopState;
    // Snapshots written before access existed have no access part yet.
    state.access ??= emptyAccess();
    return state;
  }

  /**
   * Writes the state a statement led to, inside the statement's own transaction: the tables
   * are rewritten from the state (they are small: people, services, hosts), so they can never
   * drift from it.
   */
  async commitStatement(trx: Transaction<Schema>, index: number, effects: StatementEffects) {
    const rows = projectionRows(effects.state);
    for (const table of PROJECTION_TABLES) {
      await trx.deleteFrom(table).execute();
      const values = rows[table];
      if (values.length > 0) await trx.insertInto(table).values(values).execute();
    }
    await trx
      .insertInto('coop_snapshot')
      .values({ id: 1, state: JSON.stringify(effects.state) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ state: JSON.stringify(effects.state) }))
      .execute();
    if (effects.digest) {
      await trx
        .insertInto('statement_digests')
        .values({ digest: effects.digest, idx: index })
        .execute();
    }
    for (const { handle, email } of effects.contacts ?? []) {
      await trx
        .insertInto('member_contacts')
        .values({ handle, email })
        .onConflict((oc) => oc.column('handle').doUpdateSet({ email }))
        .execute();
    }
    if (effects.proposalId) {
      await trx
        .updateTable('proposals')
        .set({ status: 'logged', idx: index })
        .where('id', '=', effects.proposalId)
        .execute();
    }
    if (effects.invitation) {
      await trx
        .updateTable('invitations')
        .set({ used_by: effects.invitation.usedBy })
        .where('code_digest', '=', effects.invitation.codeDigest)
        .execute();
    }
  }

  /** The projection as the database holds it, in the order projectionRows() gives. */
  async projection(): Promise<ProjectionRows> {
    const read = <T extends (typeof PROJECTION_TABLES)[number]>(table: T) =>
      this.#db.selectFrom(table).selectAll().execute() as Promise<ProjectionRows[T]>;
    const rows = {} as Record<string, unknown[]>;
    for (const table of PROJECTION_TABLES) rows[table] = await read(table);
    return rows as ProjectionRows;
  }

  async loggedDigest(digest: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('statement_digests')
      .select('idx')
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row?.idx;
  }

  async contacts(): Promise<Map<string, string>> {
    const rows = await this.#db.selectFrom('member_contacts').selectAll().execute();
    return new Map(rows.map((r) => [r.handle, r.email]));
  }

  async insertProposal(row: ProposalRow): Promise<void> {
    await this.#db.insertInto('proposals').values(row).execute();
  }

  async proposal(id: string): Promise<ProposalRow | undefined> {
    return this.#db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async proposals(status: 'open' | 'all'): Promise<ProposalRow[]> {
    let query = this.#db.selectFrom('proposals').selectAll().orderBy('created_at', 'desc');
    if (status === 'open') query = query.where('status', '=', 'open');
    return query.limit(500).execute();
  }

  async updateProposal(id: string, changes: Partial<Pick<ProposalRow, 'statement' | 'status'>>) {
    await this.#db.updateTable('proposals').set(changes).where('id', '=', id).execute();
  }

  async insertInvitation(row: InvitationRow): Promise<void> {
    await this.#db.insertInto('invitations').values(row).execute();
  }

  async invitationByCode(codeDigest: string): Promise<InvitationRow | undefined> {
    return this.#db
      .selectFrom('invitations')
      .selectAll()
      .where('code_digest', '=', codeDigest)
      .executeTakeFirst();
  }

  async invitation(id: string): Promise<InvitationRow | undefined> {
    return this.#db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async invitations(): Promise<InvitationRow[]> {
    return this.#db
      .selectFrom('invitations')
      .selectAll()
      .where('withdrawn', '=', 0)
      .orderBy('created_at', 'desc')
      .limit(500)
      .execute();
  }

  async withdrawInvitation(id: string): Promise<void> {
    await this.#db.updateTable('invitations').set({ withdrawn: 1 }).where('id', '=', id).execute();
  }

  /** Withdraws the cooperative's own (founding) invitations that are still open. */
  async withdrawFoundingInvitations(): Promise<void> {
    await this.#db
      .updateTable('invitations')
      .set({ withdrawn: 1 })
      .where('invited_by', 'is', null)
      .where('used_by', 'is', null)
      .execute();
  }
}
