import { randomBytes } from 'node:crypto';
import { encodeBase64Url, encodeHex, encodeUtf8 } from '@allmende/bytes';
import {
  CoopFounded,
  DEFAULT_POLICY,
  SubmittedStatement,
  encodeStatement,
  isStatementProblem,
  signedPartOf,
  statementDigest,
  statementNamespace,
  type Consent,
  type CoopInfo,
  type CreatedInvitation,
  type HostInfo,
  type Invitation,
  type MemberInfo,
  type MemberKey,
  type Policy,
  type PolicyInfo,
  type Proposal,
  type ServiceInfo,
  type Statement,
  type StatementDraft,
  type StatementReceipt,
  type StatementSignature,
} from '@allmende/protocol';
import {
  RuleViolation,
  activeMember,
  activeMembers,
  applyStatement,
  checkGenesis,
  currentKeys,
  evaluateStatement,
  foundedState,
  lookup,
  responsibleFor,
  verifyIssuedCertificate,
  verifySignatures,
  type CoopState,
  type MemberRecord,
  type ServiceRecord,
  type Signers,
} from '@allmende/rules';
import { sha256 } from '@allmende/tlog';
import { z } from 'zod';
import type { MemberDirectory } from '../auth/member-directory.ts';
import { AppError } from '../errors.ts';
import type { AppendEffect } from '../log/log.repo.ts';
import type { LogService } from '../log/log.service.ts';
import type { CoopRepository, InvitationRow, ProposalRow, StatementEffects } from './coop.repo.ts';

/** A founder as `allmende init` names them: the key and name go into the genesis, the e-mail not. */
export type FounderInput = { handle: string; name: string; email?: string; keys: MemberKey[] };

export type CoopServiceOptions = {
  repo: CoopRepository;
  log: LogService;
  name: string;
  url: string;
  founders?: FounderInput[];
  policy?: Policy;
  now?: () => Date;
};

const INVITATION_DAYS = 14;

/**
 * The cooperative: its state, built by the log's statements, and the only way to change it —
 * statements whose signatures carry the consent the rules require. The server checks them
 * exactly as anyone replaying the log will (packages/rules); it holds no key that could stand
 * in for a member's.
 *
 * Statements are checked and appended one at a time, so that each is judged against the state
 * the one before it left. The state and its tables commit in the same transaction as the entry.
 */
export class CoopService implements MemberDirectory {
  readonly #repo: CoopRepository;
  readonly #log: LogService;
  readonly #url: string;
  readonly #now: () => Date;
  #state: CoopState;
  #turn: Promise<unknown> = Promise.resolve();
  #foundingCode: string | undefined;
  readonly #listeners = new Set<(statement: StatementDraft, index: number) => void>();

  private constructor(options: CoopServiceOptions, state: CoopState) {
    this.#repo = options.repo;
    this.#log = options.log;
    this.#url = options.url;
    this.#now = options.now ?? (() => new Date());
    this.#state = state;
  }

  /**
   * Opens the cooperative of a log: founds it if the log is empty (the genesis names the
   * founders and the policy), else loads the state its statements built.
   * @throws AppError CONFIG_INVALID if the founders are not valid, or the database holds a log
   *   without the cooperative's state
   */
  static async open(options: CoopServiceOptions): Promise<CoopService> {
    const { repo, log } = options;
    let state = log.size === 0 ? undefined : await repo.snapshot();
    if (!state) {
      if (log.size > 0) {
        throw new AppError(
          'CONFIG_INVALID',
          'the database holds a log but not the state of its cooperative; it was made by an older Allmende',
        );
      }
      state = await found(options);
    }
    const coop = new CoopService(options, state);
    await coop.#openFoundingInvitation();
    return coop;
  }

  get state(): Readonly<CoopState> {
    return this.#state;
  }

  /** While the cooperative has no members, the link by which its first member joins. */
  get foundingInvitationUrl(): string | undefined {
    return this.#foundingCode && this.#joinUrl(this.#foundingCode);
  }

  // --- Statements -----------------------------------------------------------------------------

  /**
   * Checks a complete member statement and appends it.
   * @throws AppError STATEMENT_REFUSED (with the rule), STATEMENT_REPLAYED, INVITATION_INVALID
   */
  submit(statement: SubmittedStatement): Promise<StatementReceipt> {
    refuseAccessStatement(statement);
    return this.#exclusive(() => this.#submit(statement, {}));
  }

  /**
   * For the access domain (apps/server/src/access), which checks what the log cannot (the
   * ticket) first: a member's access statement, checked and appended as any other, with the
   * access tables' rows committed by `effect` in the same transaction.
   * @throws AppError STATEMENT_REFUSED (with the rule), STATEMENT_REPLAYED
   */
  submitAccess(statement: SubmittedStatement, effect: AppendEffect): Promise<StatementReceipt> {
    return this.#exclusive(() => this.#submit(statement, { effect }));
  }

  /**
   * A statement of the server's own that the rules check like members' (ca.created,
   * cert.issued, cert.revoked, access.expired): refused if they refuse it, else appended with
   * the state it leads to and whatever `effect` commits.
   * @throws AppError STATEMENT_REFUSED (with the rule)
   */
  appendChecked(
    draft: Extract<StatementDraft, { actor: 'coop' }>,
    effect?: AppendEffect,
  ): Promise<{ index: number }> {
    return this.#exclusive(async () => {
      const statement = { v: 1, time: this.#now().toISOString(), ...draft } as Statement;
      refusing(() =>
        applyStatement(structuredClone(this.#state), statement, this.#log.size, new Map()),
      );
      if (statement.type === 'cert.issued') {
        await verifyIssuedCertificate(this.#state, statement).catch((error: unknown) => {
          throw asRefusal(error);
        });
      }
      let next: CoopState | undefined;
      const { index } = await this.#log.append(draft, async (trx, index) => {
        next = structuredClone(this.#state);
        applyStatement(next, statement, index, new Map());
        await this.#repo.commitStatement(trx, index, { state: next });
        await effect?.(trx, index);
      });
      if (next) this.#state = next;
      this.#announce(draft, index);
      return { index };
    });
  }

  /** Calls `listener` after every statement that changed the state; returns the unsubscribe. */
  onStatement(listener: (statement: StatementDraft, index: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #announce(statement: StatementDraft, index: number): void {
    for (const listener of this.#listeners) listener(statement, index);
  }

  async #submit(
    statement: SubmittedStatement,
    extras: Pick<StatementEffects, 'contacts' | 'proposalId'> & { effect?: AppendEffect },
  ): Promise<StatementReceipt> {
    const digest = digestOf(statement);
    await this.#refuseReplay(digest);
    const signers = await this.#verify(statement);
    const report = refusing(() => evaluateStatement(this.#state, statement, signers));
    const [first] = report.missing;
    if (first) {
      const text = report.missing.map((m) => m.text).join('; ');
      throw new AppError('STATEMENT_REFUSED', text, { rule: first.rule });
    }
    const invitation =
      statement.type === 'member.admitted' && statement.body.invitation
        ? await this.#validInvitation(statement.body.invitation)
        : undefined;
    let next: CoopState | undefined;
    const { effect, ...effects } = extras;
    const { index } = await this.#log.append(statement, async (trx, index) => {
      next = structuredClone(this.#state);
      applyStatement(next, statement, index, signers);
      await this.#repo.commitStatement(trx, index, {
        state: next,
        digest,
        ...effects,
        invitation: invitation && {
          codeDigest: invitation.code_digest,
          usedBy: (statement.body as { handle: string }).handle,
        },
      });
      await effect?.(trx, index);
    });
    if (next) this.#state = next;
    this.#announce(statement, index);
    if (invitation?.invited_by === null) this.#foundingCode = undefined;
    return { index, digest };
  }

  async #refuseReplay(digest: string): Promise<void> {
    const index = await this.#repo.loggedDigest(digest);
    if (index !== undefined) {
      throw new AppError(
        'STATEMENT_REPLAYED',
        `this signed statement is already in the log, at entry ${index}; sign a new draft`,
      );
    }
  }

  async #verify(statement: SubmittedStatement): Promise<Signers> {
    try {
      return await verifySignatures(this.#state, statement);
    } catch (error) {
      throw asRefusal(error);
    }
  }

  // --- Proposals: statements that collect signatures -------------------------------------------

  /**
   * Records a statement that still needs signatures, signed at least by its actor; appends it
   * at once if it needs no more. Proposing the same signed part again adds its signatures.
   * @throws AppError STATEMENT_REFUSED, STATEMENT_REPLAYED, INVITATION_INVALID
   */
  propose(statement: SubmittedStatement, email?: string): Promise<Proposal> {
    refuseAccessStatement(statement);
    return this.#exclusive(async () => {
      const id = digestOf(statement);
      await this.#refuseReplay(id);
      const existing = await this.#repo.proposal(id);
      if (existing) return this.#addSignatures(existing, statement.signatures);
      const signers = await this.#verify(statement);
      const actor = statement.actor.slice('member:'.length);
      if (!signers.has(actor)) {
        throw new AppError('STATEMENT_REFUSED', `a proposal carries the signature of ${actor}`, {
          rule: 'consent.actor',
        });
      }
      refusing(() => evaluateStatement(this.#state, statement, signers));
      if (statement.type === 'member.admitted') {
        if (!statement.body.invitation) {
          throw new AppError('INVITATION_INVALID', 'an admission answers an invitation');
        }
        await this.#validInvitation(statement.body.invitation);
      } else if (email !== undefined) {
        throw new AppError('BAD_REQUEST', 'an e-mail address belongs to an admission only');
      }
      requireFits(statement);
      const row: ProposalRow = {
        id,
        statement: JSON.stringify(statement),
        email: email ?? null,
        status: 'open',
        idx: null,
        created_at: this.#now().toISOString(),
      };
      await this.#repo.insertProposal(row);
      return this.#advance(row, statement);
    });
  }

  /**
   * Adds a member's signature to a proposal; appends the statement once the rules accept it.
   * @throws AppError NOT_FOUND, PROPOSAL_CLOSED, STATEMENT_REFUSED
   */
  sign(id: string, signature: StatementSignature): Promise<Proposal> {
    return this.#exclusive(async () => {
      const row = await this.#repo.proposal(id);
      if (!row) throw new AppError('NOT_FOUND', `there is no proposal ${id}`);
      return this.#addSignatures(row, [signature]);
    });
  }

  async #addSignatures(row: ProposalRow, added: StatementSignature[]): Promise<Proposal> {
    if (row.status !== 'open') {
      throw new AppError('PROPOSAL_CLOSED', `the proposal is ${row.status}`);
    }
    const statement = parseStored(row.statement);
    // Each new signature must hold on its own: a bad one is refused, not stored.
    await this.#verify({ ...statement, signatures: added });
    const known = new Set(statement.signatures.map((s) => JSON.stringify(s)));
    const signatures = [
      ...statement.signatures,
      ...added.filter((s) => !known.has(JSON.stringify(s))),
    ];
    if (signatures.length > 32) {
      throw new AppError('STATEMENT_REFUSED', 'a statement carries at most 32 signatures', {
        rule: 'consent.actor',
      });
    }
    const updated = { ...statement, signatures } as SubmittedStatement;
    requireFits(updated);
    await this.#repo.updateProposal(row.id, { statement: JSON.stringify(updated) });
    return this.#advance({ ...row, statement: JSON.stringify(updated) }, updated);
  }

  /** Appends a proposal whose consent is complete; otherwise says what it still needs. */
  async #advance(row: ProposalRow, statement: SubmittedStatement): Promise<Proposal> {
    const consent = await this.#consent(statement);
    if (!consent.satisfied) return toProposal(row, statement, consent);
    const contacts =
      statement.type === 'member.admitted' && row.email
        ? [{ handle: statement.body.handle, email: row.email }]
        : undefined;
    const { index } = await this.#submit(statement, { proposalId: row.id, contacts });
    return toProposal({ ...row, status: 'logged', idx: index }, statement, consent);
  }

  async #consent(statement: SubmittedStatement): Promise<Consent> {
    try {
      const signers = await verifySignatures(this.#state, statement);
      const {
        satisfied,
        missing,
        signers: names,
      } = evaluateStatement(this.#state, statement, signers);
      return { satisfied, missing, signers: names };
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      return {
        satisfied: false,
        missing: [{ rule: error.rule, text: error.message }],
        signers: [],
      };
    }
  }

  async proposal(id: string): Promise<Proposal> {
    const row = await this.#repo.proposal(id);
    if (!row) throw new AppError('NOT_FOUND', `there is no proposal ${id}`);
    return this.#view(row);
  }

  async proposals(status: 'open' | 'all'): Promise<Proposal[]> {
    const rows = await this.#repo.proposals(status);
    return Promise.all(rows.map((row) => this.#view(row)));
  }

  async #view(row: ProposalRow): Promise<Proposal> {
    const statement = parseStored(row.statement);
    const consent =
      row.status === 'open'
        ? await this.#consent(statement)
        : { satisfied: row.status === 'logged', missing: [], signers: signerNames(statement) };
    return toProposal(row, statement, consent);
  }

  /** The actor withdraws a proposal that is still open. */
  async withdraw(id: string, handle: string): Promise<Proposal> {
    return this.#exclusive(async () => {
      const row = await this.#repo.proposal(id);
      if (!row) throw new AppError('NOT_FOUND', `there is no proposal ${id}`);
      if (row.status !== 'open')
        throw new AppError('PROPOSAL_CLOSED', `the proposal is ${row.status}`);
      if (parseStored(row.statement).actor !== `member:${handle}`) {
        throw new AppError('FORBIDDEN', 'only who proposed it can withdraw a proposal');
      }
      await this.#repo.updateProposal(id, { status: 'withdrawn' });
      return this.#view({ ...row, status: 'withdrawn' });
    });
  }

  // --- Invitations ----------------------------------------------------------------------------

  async invite(handle: string, note: string): Promise<CreatedInvitation> {
    this.#requireMember(handle);
    const code = encodeBase64Url(randomBytes(18));
    const row = this.#invitationRow(code, handle, note);
    await this.#repo.insertInvitation(row);
    return { ...toInvitation(row), code, url: this.#joinUrl(code) };
  }

  async invitations(): Promise<Invitation[]> {
    return (await this.#repo.invitations()).map(toInvitation);
  }

  async withdrawInvitation(id: string, handle: string): Promise<void> {
    const row = await this.#repo.invitation(id);
    if (!row || row.withdrawn) throw new AppError('NOT_FOUND', `there is no invitation ${id}`);
    if (row.invited_by !== handle) {
      throw new AppError('FORBIDDEN', 'only who invited can withdraw an invitation');
    }
    await this.#repo.withdrawInvitation(id);
  }

  /** What a candidate with a code sees. @throws AppError INVITATION_INVALID */
  async checkInvitation(code: string) {
    const row = await this.#validInvitation(codeDigest(code));
    const inviter = row.invited_by ? lookup(this.#state.members, row.invited_by) : undefined;
    return {
      invitedBy: row.invited_by,
      invitedByName: inviter?.name ?? this.#state.name,
      coop: this.#state.name,
      digest: row.code_digest,
    };
  }

  async #validInvitation(digest: string): Promise<InvitationRow> {
    const row = await this.#repo.invitationByCode(digest);
    const problem = !row
      ? 'there is no such invitation'
      : row.withdrawn
        ? 'the invitation was withdrawn'
        : row.used_by
          ? 'the invitation has been used'
          : row.expires_at < this.#now().toISOString()
            ? 'the invitation has expired'
            : row.invited_by !== null && !activeMember(this.#state, row.invited_by)
              ? 'who invited is no longer a member'
              : undefined;
    if (problem || !row) throw new AppError('INVITATION_INVALID', problem ?? 'invalid invitation');
    return row;
  }

  #invitationRow(code: string, invitedBy: string | null, note: string): InvitationRow {
    const now = this.#now();
    return {
      id: encodeHex(randomBytes(8)),
      code_digest: codeDigest(code),
      invited_by: invitedBy,
      note,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
      used_by: null,
      withdrawn: 0,
    };
  }

  /** A cooperative founded without founders gets its first member through a fresh link. */
  async #openFoundingInvitation(): Promise<void> {
    if (activeMembers(this.#state).length > 0) return;
    await this.#repo.withdrawFoundingInvitations();
    const code = encodeBase64Url(randomBytes(18));
    await this.#repo.insertInvitation(this.#invitationRow(code, null, 'founding'));
    this.#foundingCode = code;
  }

  #joinUrl(code: string): string {
    return `${this.#url}/join/${code}`;
  }

  // --- Reads ----------------------------------------------------------------------------------

  info(): CoopInfo {
    const state = this.#state;
    return {
      name: state.name,
      origin: state.origin,
      url: state.url,
      namespace: statementNamespace(state.origin),
      members: activeMembers(state).length,
      services: Object.keys(state.services).length,
      hosts: Object.keys(state.hosts).length,
      logSize: this.#log.size,
    };
  }

  /** Members' e-mail addresses, handle → address (never in the log, never public). */
  contacts(): Promise<Map<string, string>> {
    return this.#repo.contacts();
  }

  /** Members, with contact data only for a viewer who is a member. */
  async memberInfos(viewer: string | undefined): Promise<MemberInfo[]> {
    const contacts =
      viewer && activeMember(this.#state, viewer) ? await this.#repo.contacts() : undefined;
    return Object.values(this.#state.members).map((m) => this.#memberInfo(m, contacts));
  }

  async memberInfo(handle: string, viewer: string | undefined): Promise<MemberInfo> {
    const member = lookup(this.#state.members, handle);
    if (!member) throw new AppError('NOT_FOUND', `there is no member ${handle}`);
    const contacts =
      viewer && activeMember(this.#state, viewer) ? await this.#repo.contacts() : undefined;
    return this.#memberInfo(member, contacts);
  }

  #memberInfo(m: MemberRecord, contacts: Map<string, string> | undefined): MemberInfo {
    const info: MemberInfo = {
      handle: m.handle,
      name: m.name,
      status: m.status,
      admittedAt: m.admittedAt,
      leftAt: m.leftAt,
      away: m.away,
      awayUntil: m.awayUntil,
      keys: m.keys.map((k) => ({
        id: k.id,
        key: k.key,
        addedAt: k.addedAt,
        revokedAt: k.revokedAt,
      })),
      services: Object.values(this.#state.services).flatMap((s) =>
        s.stewards
          .filter((st) => st.handle === m.handle)
          .map((st) => ({ slug: s.slug, role: st.role })),
      ),
    };
    if (contacts) info.email = contacts.get(m.handle) ?? null;
    return info;
  }

  services(): ServiceInfo[] {
    return Object.values(this.#state.services).map((s) => this.#serviceInfo(s));
  }

  service(slug: string): ServiceInfo {
    const service = lookup(this.#state.services, slug);
    if (!service) throw new AppError('NOT_FOUND', `there is no service ${slug}`);
    return this.#serviceInfo(service);
  }

  #serviceInfo(s: ServiceRecord): ServiceInfo {
    return {
      slug: s.slug,
      name: s.name,
      description: s.description,
      sensitivity: s.sensitivity,
      status: s.status,
      addresses: s.addresses,
      docPage: s.docPage,
      hosts: s.hosts,
      stewards: s.stewards.map((st) => ({
        ...st,
        away: lookup(this.#state.members, st.handle)?.away ?? false,
      })),
      responsible: responsibleFor(this.#state, s),
      createdAt: s.createdAt,
    };
  }

  hosts(): HostInfo[] {
    return Object.values(this.#state.hosts).map((h) => ({
      ...h,
      services: Object.values(this.#state.services)
        .filter((s) => s.hosts.includes(h.name))
        .map((s) => s.slug),
    }));
  }

  host(name: string): HostInfo {
    const host = this.hosts().find((h) => h.name === name);
    if (!host) throw new AppError('NOT_FOUND', `there is no host ${name}`);
    return host;
  }

  policy(): PolicyInfo {
    return { policy: this.#state.policy, setAt: this.#state.policySetAt };
  }

  // --- MemberDirectory (for sign-in) ----------------------------------------------------------

  member(handle: string): { handle: string; name: string } | undefined {
    const member = activeMember(this.#state, handle);
    return member && { handle: member.handle, name: member.name };
  }

  currentKeys(handle: string): { id: string; key: MemberKey }[] {
    const member = activeMember(this.#state, handle);
    return member ? currentKeys(member).map(({ id, key }) => ({ id, key })) : [];
  }

  memberByCredential(credentialId: string): { handle: string; publicKey: string } | undefined {
    const holder = lookup(this.#state.keyHolders, `passkey:${credentialId}`);
    const key = holder
      ? this.currentKeys(holder).find((k) => k.id === `passkey:${credentialId}`)
      : undefined;
    return holder && key?.key.kind === 'passkey'
      ? { handle: holder, publicKey: key.key.publicKey }
      : undefined;
  }

  #requireMember(handle: string): MemberRecord {
    const member = activeMember(this.#state, handle);
    if (!member) throw new AppError('FORBIDDEN', 'this needs a member of the cooperative');
    return member;
  }

  /** Runs `work` after every statement before it: one statement is judged at a time. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(work);
    this.#turn = result.catch(() => undefined);
    return result;
  }
}

async function found(options: CoopServiceOptions): Promise<CoopState> {
  const { log, founders = [] } = options;
  const genesis = {
    v: 1 as const,
    time: new Date(0).toISOString(),
    actor: 'coop' as const,
    type: 'coop.founded' as const,
    body: {
      name: options.name,
      origin: log.origin,
      logKey: log.verifierKey,
      url: options.url,
      founders: founders.map(({ handle, name, keys }) => ({ handle, name, keys })),
      policy: options.policy ?? DEFAULT_POLICY,
    },
  };
  const parsed = CoopFounded.safeParse(genesis);
  if (!parsed.success) {
    throw new AppError('CONFIG_INVALID', `invalid founders: ${z.prettifyError(parsed.error)}`);
  }
  try {
    checkGenesis(genesis);
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `invalid founders: ${(error as Error).message}`);
  }
  const state = foundedState(genesis);
  const contacts = founders.flatMap(({ handle, email }) => (email ? [{ handle, email }] : []));
  await log.append({ actor: 'coop', type: 'coop.founded', body: genesis.body }, (trx, index) =>
    options.repo.commitStatement(trx, index, { state, contacts }),
  );
  return state;
}

/**
 * Access statements have their own route (/api/access/requests): the server checks there what
 * the log cannot, the ticket a request serves, and keeps the request's records.
 */
function refuseAccessStatement(statement: SubmittedStatement): void {
  if (statement.type.startsWith('access.')) {
    throw new AppError(
      'BAD_REQUEST',
      `${statement.type} statements are submitted under /api/access/requests, not here`,
    );
  }
}

/** A proposal must still fit into the log once all its signatures are in. */
function requireFits(statement: SubmittedStatement): void {
  const bytes = encodeStatement({ ...statement, time: new Date(0).toISOString() });
  if (isStatementProblem(bytes)) {
    const code = bytes.reason === 'too-large' ? 'LOG_STATEMENT_TOO_LARGE' : 'LOG_STATEMENT_INVALID';
    throw new AppError(code, bytes.message);
  }
}

function digestOf(statement: SubmittedStatement): string {
  return encodeHex(statementDigest(signedPartOf(statement)));
}

function codeDigest(code: string): string {
  return encodeHex(sha256(encodeUtf8(code)));
}

function refusing<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw asRefusal(error);
  }
}

function asRefusal(error: unknown): unknown {
  return error instanceof RuleViolation
    ? new AppError('STATEMENT_REFUSED', error.message, { rule: error.rule, cause: error })
    : error;
}

/** Proposals are stored as the server received and checked them; parse them again regardless. */
function parseStored(json: string): SubmittedStatement {
  return SubmittedStatement.parse(JSON.parse(json));
}

function signerNames(statement: SubmittedStatement): string[] {
  return [...new Set(statement.signatures.map((s) => s.signer))];
}

function toProposal(row: ProposalRow, statement: SubmittedStatement, consent: Consent): Proposal {
  return {
    id: row.id,
    statement,
    consent,
    status: row.status as Proposal['status'],
    index: row.idx,
    createdAt: row.created_at,
  };
}

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    invitedBy: row.invited_by,
    note: row.note,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedBy: row.used_by,
  };
}
