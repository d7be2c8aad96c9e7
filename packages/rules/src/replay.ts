import { isMemberStatement, type Statement } from '@allmende/protocol';
import { verifyIssuedCertificate } from './access.ts';
import { applyStatement, checkGenesis } from './apply.ts';
import { RuleViolation } from './errors.ts';
import { verifySignatures, type Signers } from './signatures.ts';
import { foundedState, type CoopState } from './state.ts';

export type ReplayedEntry = { index: number; statement: Statement };

const NO_SIGNERS: Signers = new Map();

/**
 * Replays statements from the genesis, checking every signature and every rule as the server
 * did when it appended them, and returns the state they build.
 *
 * @throws {RuleViolation} for the first entry that breaks a rule; its message names the entry.
 */
export async function replayStatements(
  entries: Iterable<ReplayedEntry> | AsyncIterable<ReplayedEntry>,
): Promise<CoopState> {
  let state: CoopState | undefined;
  let next = 0;
  for await (const { index, statement } of entries) {
    if (index !== next) {
      throw new RuleViolation('statement.genesis', `entry ${index} is out of order`);
    }
    try {
      state = await replayEntry(state, index, statement);
    } catch (error) {
      if (error instanceof RuleViolation) {
        throw new RuleViolation(error.rule, `entry ${index}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    next = index + 1;
  }
  if (!state) throw new RuleViolation('statement.genesis', 'the log is empty');
  return state;
}

/**
 * Checks the entry at `index` against the state the entries before it built (undefined before
 * the genesis) and applies it: returns the state after it.
 *
 * @throws {RuleViolation} when the entry breaks a rule; the state is then unchanged.
 */
export async function replayEntry(
  state: CoopState | undefined,
  index: number,
  statement: Statement,
): Promise<CoopState> {
  if (index === 0) {
    if (statement.type !== 'coop.founded') {
      throw new RuleViolation('statement.genesis', 'the log begins with coop.founded');
    }
    checkGenesis(statement);
    return foundedState(statement);
  }
  if (!state) throw new RuleViolation('statement.genesis', 'the log has no genesis');
  const signers = isMemberStatement(statement)
    ? await verifySignatures(state, statement)
    : NO_SIGNERS;
  if (statement.type === 'cert.issued') await verifyIssuedCertificate(state, statement);
  applyStatement(state, statement, index, signers);
  return state;
}
