import { RuleViolation, type Rule } from './errors.ts';
import { replayEntry, type ReplayedEntry } from './replay.ts';
import type { CoopState } from './state.ts';

/** A log entry that breaks a rule: where, which rule, and why in words for people. */
export type Violation = { index: number; type: string; rule: Rule; message: string };

/**
 * Checks a log entry by entry against the rules in force at each entry, as `allmende verify`
 * and the web app's "rules kept" do. Unlike replayStatements it does not stop at the first
 * violation: it records every one and goes on, so that one report names all of them. An entry
 * that breaks a rule changes nothing in the state.
 */
export class RuleAudit {
  #state: CoopState | undefined;
  #next = 0;
  readonly violations: Violation[] = [];
  /** Statements checked, by type. */
  readonly byType: Record<string, number> = {};

  /** The state the entries checked so far build; undefined before the genesis. */
  get state(): CoopState | undefined {
    return this.#state;
  }

  /** How many entries were checked. */
  get checked(): number {
    return this.#next;
  }

  /**
   * Checks the next entry (entries come in log order from 0) and returns the violations it
   * brought, none if it keeps every rule.
   */
  async check({ index, statement }: ReplayedEntry): Promise<Violation[]> {
    const found: Violation[] = [];
    const report = (rule: Rule, message: string) =>
      found.push({ index, type: statement.type, rule, message });
    this.byType[statement.type] = (this.byType[statement.type] ?? 0) + 1;
    if (index !== this.#next) {
      report('statement.genesis', `entry ${index} came where entry ${this.#next} was due`);
    } else {
      try {
        this.#state = await replayEntry(this.#state, index, statement);
      } catch (error) {
        if (!(error instanceof RuleViolation)) throw error;
        report(error.rule, error.message);
      }
    }
    this.#next = index + 1;
    this.violations.push(...found);
    return found;
  }
}

/** Audits a whole log from the genesis; see RuleAudit. */
export async function auditStatements(
  entries: Iterable<ReplayedEntry> | AsyncIterable<ReplayedEntry>,
): Promise<RuleAudit> {
  const audit = new RuleAudit();
  for await (const entry of entries) await audit.check(entry);
  return audit;
}
