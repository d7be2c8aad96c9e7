import { isMemberStatement, type Statement } from '@allmende/protocol';
import { verifyIssuedCertificate } from './access.ts';
import { applyRecordedStatement, checkGenesis } from './apply.ts';
import { RuleViolation, type Rule } from './errors.ts';
import {
  applyOversightStatement,
  emptyOversight,
  isOversightStatement,
  noteCertificate,
  type OversightState,
} from './oversight.ts';
import type { ReplayedEntry } from './replay.ts';
import { Prechecks } from './prechecks.ts';
import { checkRecordedSignatures, type Signers } from './signatures.ts';
import { foundedState, type CoopState } from './state.ts';

/** A log entry that breaks a rule: where, which rule, and why in words for people. */
export type Violation = { index: number; type: string; rule: Rule; message: string };

const NO_SIGNERS: Signers = new Map();

/**
 * How many entries ahead of the replay RuleAudit.checkAll verifies signatures: enough to keep
 * WebCrypto's threads busy while the rules run, few enough that little is verified in vain
 * when the replay stops at an error.
 */
export const LOOKAHEAD = 64;

/**
 * Checks a log entry by entry against the rules in force at each entry, as `allmende verify`
 * and the web app's "rules kept" do: every signature made by a key its signer held then, the
 * consent each statement needed, every certificate against its request and approvals, every
 * session against its certificate, chunks and end, every attested change against the sessions
 * on its host. Unlike replayStatements it does not stop at the first violation: it records every
 * one and goes on, so that one report names all of them.
 *
 * One fault gives one report, not a cascade. What the audit does with an entry that breaks a
 * rule depends on whether the state can take it:
 *
 * - An entry whose fault is in its consent or its signatures (a missing vouch, an approval made
 *   with a revoked key), a certificate issued or revoked against the CA's rules, a session
 *   without a valid certificate, an attestation with an unexplained change: reported, then
 *   taken as done — the log says it happened, and what came after relied on it. So the session
 *   that used a certificate issued without enough approvals is not reported again, nor the
 *   certificate that counted an approval whose signature failed.
 * - An entry the state cannot take (an unknown member or host, a request that is not open, a
 *   chunk of a session that never started or has ended): reported and skipped; the state stays
 *   as it was.
 *
 * Where an entry breaks several rules, each is reported once (the same rule twice for one entry
 * is one report).
 */
export class RuleAudit {
  #state: CoopState | undefined;
  readonly #oversight: OversightState = emptyOversight();
  #next = 0;
  readonly violations: Violation[] = [];
  /** Statements checked, by type. */
  readonly byType: Record<string, number> = {};

  /** The state the entries checked so far build; undefined before the genesis. */
  get state(): CoopState | undefined {
    return this.#state;
  }

  /** Certificates, sessions and hosts' attestations as the entries so far record them. */
  get oversight(): Readonly<OversightState> {
    return this.#oversight;
  }

  /** How many entries were checked. */
  get checked(): number {
    return this.#next;
  }

  /**
   * Checks the next entry (entries come in log order from 0) and returns the violations it
   * brought, none if it keeps every rule.
   */
  check(entry: ReplayedEntry): Promise<Violation[]> {
    return this.#check(entry);
  }

  /**
   * Checks the next entries in log order, exactly as {@link check} on each in turn would (the
   * same violations, in the same order, the same state after), only sooner: the signatures of
   * the next {@link LOOKAHEAD} entries are being verified while earlier entries are replayed
   * (see Prechecks). Returns the violations the entries brought. If `entries` fails, the entries
   * it gave before are checked, then its error is thrown.
   */
  async checkAll(
    entries: Iterable<ReplayedEntry> | AsyncIterable<ReplayedEntry>,
  ): Promise<Violation[]> {
    const ahead = new Prechecks();
    const pending: ReplayedEntry[] = [];
    const found: Violation[] = [];
    // What the state will most likely hold when it reaches the entries ahead: a wrong guess
    // only makes the replay verify that entry afresh.
    let origin = this.#state?.origin;
    let ca = this.#state?.access.ca ?? null;
    let checking = false;
    const checkNext = async () => {
      checking = true;
      found.push(...(await this.#check(pending.shift()!, ahead)));
      checking = false;
    };
    try {
      for await (const entry of entries) {
        const { statement } = entry;
        if (statement.type === 'coop.founded') origin ??= statement.body.origin;
        if (origin !== undefined) ahead.begin(statement, origin, ca);
        if (statement.type === 'ca.created') ca ??= statement.body.key;
        pending.push(entry);
        if (pending.length > LOOKAHEAD) await checkNext();
      }
    } catch (error) {
      if (checking) throw error;
      while (pending.length > 0) await checkNext();
      throw error;
    }
    while (pending.length > 0) await checkNext();
    return found;
  }

  async #check({ index, statement }: ReplayedEntry, ahead?: Prechecks): Promise<Violation[]> {
    const found: Violation[] = [];
    const report = (rule: Rule, message: string) => {
      if (!found.some((v) => v.rule === rule)) {
        found.push({ index, type: statement.type, rule, message });
      }
    };
    this.byType[statement.type] = (this.byType[statement.type] ?? 0) + 1;
    if (index !== this.#next) {
      report('statement.genesis', `entry ${index} came where entry ${this.#next} was due`);
    } else {
      const broken: RuleViolation[] = [];
      try {
        await this.#apply(index, statement, broken, ahead);
      } catch (error) {
        if (!(error instanceof RuleViolation)) throw error;
        broken.push(error);
      }
      for (const violation of broken) report(violation.rule, violation.message);
    }
    this.#next = index + 1;
    this.violations.push(...found);
    return found;
  }

  /**
   * Applies an entry, collecting in `broken` the rules it broke where it is taken as done.
   * @throws {RuleViolation} when the state cannot take it (after what `broken` holds).
   */
  async #apply(
    index: number,
    statement: Statement,
    broken: RuleViolation[],
    ahead: Prechecks | undefined,
  ): Promise<void> {
    if (index === 0) {
      if (statement.type !== 'coop.founded') {
        throw new RuleViolation('statement.genesis', 'the log begins with coop.founded');
      }
      // A genesis that names a founder or a key twice is reported, and founds the cooperative
      // even so: every later entry depends on it.
      try {
        checkGenesis(statement);
      } catch (error) {
        if (!(error instanceof RuleViolation)) throw error;
        broken.push(error);
      }
      this.#state = foundedState(statement);
      return;
    }
    const state = this.#state;
    if (!state) throw new RuleViolation('statement.genesis', 'the log has no genesis');
    if (isOversightStatement(statement)) {
      broken.push(...applyOversightStatement(state, this.#oversight, statement, index));
      return;
    }
    let signers = NO_SIGNERS;
    if (isMemberStatement(statement)) {
      const signatures = await checkRecordedSignatures(state, statement, ahead);
      broken.push(...signatures.faults);
      signers = signatures.signers;
    }
    if (statement.type === 'cert.issued') {
      await verifyIssuedCertificate(state, statement, ahead).catch((error: unknown) => {
        if (!(error instanceof RuleViolation)) throw error;
        broken.push(error);
      });
    }
    broken.push(...applyRecordedStatement(state, statement, index, signers));
    if (statement.type === 'cert.issued' || statement.type === 'cert.revoked') {
      noteCertificate(state, this.#oversight, statement, index);
    }
  }
}

/** Audits a whole log from the genesis; see RuleAudit. */
export async function auditStatements(
  entries: Iterable<ReplayedEntry> | AsyncIterable<ReplayedEntry>,
): Promise<RuleAudit> {
  const audit = new RuleAudit();
  await audit.checkAll(entries);
  return audit;
}
