import type { Statement } from '@allmende/protocol';
import { RuleAudit } from './audit.ts';
import { RuleViolation } from './errors.ts';
import type { CoopState } from './state.ts';

export type ReplayedEntry = { index: number; statement: Statement };

/**
 * Replays statements from the genesis, checking every signature and every rule as the server
 * did when it appended them, the oversight's included (certificates, sessions, attestations),
 * and returns the state they build: RuleAudit, stopping at the first violation.
 *
 * @throws {RuleViolation} for the first entry that breaks a rule; its message names the entry.
 */
export async function replayStatements(
  entries: Iterable<ReplayedEntry> | AsyncIterable<ReplayedEntry>,
): Promise<CoopState> {
  const audit = new RuleAudit();
  for await (const entry of entries) {
    const [violation] = await audit.check(entry);
    if (violation) {
      throw new RuleViolation(violation.rule, `entry ${violation.index}: ${violation.message}`);
    }
  }
  if (!audit.state) throw new RuleViolation('statement.genesis', 'the log is empty');
  return audit.state;
}
