import { Statement } from '@allmende/protocol';
import { RuleAudit, type ReplayedEntry, type Violation } from '@allmende/rules';
import { VerifyError } from './verify-error.ts';
import { verifyLog, type LogEntry, type VerifyOptions, type VerifyReport } from './verify-log.ts';

export type { Violation } from '@allmende/rules';

/** One run of {@link RulesVerifier.verify}: the log's report and what the replay found. */
export type RulesRun = {
  log: VerifyReport;
  /** Statements replayed from the genesis so far, by type, and in all. */
  statements: { total: number; byType: Record<string, number> };
  /** Violations in the entries this run added (all of them, on the first run). */
  violations: Violation[];
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a log as `log verify` does and replays every statement through the rules in force at
 * its entry. Kept across runs, it checks each new checkpoint against the last one it verified
 * and replays only the entries added since, with the state the earlier ones built.
 */
export class RulesVerifier {
  #audit = new RuleAudit();
  /** The signed note of the last checkpoint verified in full, with every entry replayed. */
  #verified: string | undefined;
  #verifiedSize = 0;

  /** The checkpoint verified last, as served; undefined before the first run succeeds. */
  get verified(): string | undefined {
    return this.#verified;
  }

  /**
   * @throws {VerifyError} when the log fails a check; the rules' verdict is in the result.
   */
  async verify(options: Omit<VerifyOptions, 'verifiedBefore' | 'onEntries'>): Promise<RulesRun> {
    let previous = options.previous;
    let verifiedBefore = this.#verified;
    if (this.#audit.checked !== this.#verifiedSize) {
      // An earlier run failed after it had replayed entries beyond the tree it verified; they
      // cannot be taken back, so the replay starts over from the genesis (the cache keeps that
      // cheap), and the tree must still extend the checkpoint verified last.
      this.#audit = new RuleAudit();
      previous = this.#verified ?? options.previous;
      verifiedBefore = undefined;
    }
    const audit = this.#audit;
    const found = audit.violations.length;
    const log = await verifyLog({
      ...options,
      previous,
      verifiedBefore,
      onEntries: (entries) => replay(audit, entries),
    });
    if (audit.checked !== log.size) {
      throw new Error(`internal error: ${audit.checked} entries replayed of ${log.size}`);
    }
    this.#verified = log.checkpoint;
    this.#verifiedSize = log.size;
    return {
      log,
      statements: { total: audit.checked, byType: { ...audit.byType } },
      violations: audit.violations.slice(found),
    };
  }
}

async function replay(audit: RuleAudit, entries: readonly LogEntry[]): Promise<void> {
  // checkAll verifies the signatures of the entries ahead while it replays earlier ones, and
  // finds exactly what checking one entry after the other would.
  await audit.checkAll(parsed(entries));
}

function* parsed(entries: readonly LogEntry[]): Generator<ReplayedEntry> {
  for (const { index, bytes } of entries) {
    // The bundle check accepted the entry as a canonical statement (decodeStatement's verdict),
    // so parsing is all that is left; a failure here would be a bug, not a bad log.
    const result = Statement.safeParse(JSON.parse(utf8.decode(bytes)));
    if (!result.success) {
      throw new VerifyError('VERIFY_BAD_ENTRY', `entry ${index}: not a valid statement`);
    }
    yield { index, statement: result.data };
  }
}
