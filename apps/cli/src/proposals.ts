import { encodeHex } from '@allmende/bytes';
import {
  Proposal,
  statementDigest,
  ProposalList,
  type MemberStatementType,
  type SignedPart,
  type StatementSignature,
} from '@allmende/protocol';
import { segment } from './api-client.ts';
import { CliError, badInput, flag, optional, printJson, shown, type Values } from './cli.ts';
import { connect, cooperative, requireLogin, type Connection } from './connection.ts';
import { draftStatement, formatStatement, signStatement, type BodyOf } from './statements.ts';

// How a statement reaches the log from the command line: drafted with the member as actor,
// signed with the member's SSH key, and submitted as a proposal, which the server logs at once
// when that one signature is consent enough, and otherwise keeps open for others to sign.

/**
 * Drafts, signs and proposes a statement by the logged-in member; with `--draft`, prints the
 * unsigned draft instead (for `allmende sign`). Returns the exit code.
 */
export async function proposeStatement<T extends MemberStatementType>(
  values: Values,
  type: T,
  body: (me: string, connection: Connection) => BodyOf<T> | Promise<BodyOf<T>>,
): Promise<number> {
  const connection = await connect(values);
  const login = requireLogin(connection);
  const part = draftStatement(type, login.handle, await body(login.handle, connection));
  if (flag(values, 'draft')) {
    process.stdout.write(formatStatement(part));
    return 0;
  }
  const coop = await cooperative(connection);
  const signature = await signStatement(
    part,
    login.handle,
    coop.statementNamespace,
    optional(values, 'key') ?? login.key,
  );
  const proposal = await submitProposal(connection, part, [signature]);
  reportProposal(proposal, flag(values, 'json'));
  return 0;
}

/** `POST /api/proposals`: the statement with its signatures, and for an admission the e-mail. */
export async function submitProposal(
  connection: Connection,
  part: SignedPart,
  signatures: StatementSignature[],
  email?: string,
): Promise<Proposal> {
  return connection.api.post(
    '/api/proposals',
    { statement: { ...part, signatures }, ...(email !== undefined && { email }) },
    Proposal,
  );
}

/** What became of a proposal: logged, or open and what it still needs. */
export function reportProposal(proposal: Proposal, json: boolean): void {
  if (json) {
    printJson(proposal);
    return;
  }
  const { type } = proposal.statement;
  if (proposal.status === 'logged') {
    console.log(`${type} logged at index ${proposal.index ?? '?'}`);
    return;
  }
  if (proposal.status === 'withdrawn') {
    console.log(`proposal ${proposal.id} (${type}) was withdrawn`);
    return;
  }
  console.log(`proposal ${proposal.id} (${type}) is open`);
  const signers = proposal.consent.signers;
  if (signers.length > 0) console.log(`  signed by: ${signers.join(', ')}`);
  for (const missing of proposal.consent.missing)
    console.log(`  still needed: ${shown(missing.text)}`);
  console.log(`  others sign it with: allmende proposal sign ${proposal.id}`);
}

const HEX_ID = /^[0-9a-f]{64}$/;

/**
 * A proposal by its ID or an unambiguous prefix of at least 6 hex digits.
 * @throws {CliError} CLI_BAD_INPUT for no match or several.
 */
export async function fetchProposal(connection: Connection, id: string): Promise<Proposal> {
  const wanted = id.toLowerCase();
  if (HEX_ID.test(wanted)) {
    return connection.api.get(`/api/proposals/${segment(wanted)}`, Proposal);
  }
  if (!/^[0-9a-f]{6,63}$/.test(wanted)) {
    throw badInput(
      `${JSON.stringify(id)} is not a proposal ID (64 hex digits, or their first 6 or more)`,
    );
  }
  const { proposals } = await connection.api.get('/api/proposals?status=all', ProposalList);
  const matches = proposals.filter((p) => p.id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  throw badInput(
    matches.length === 0
      ? `no proposal ${id} on ${connection.server} (see allmende proposal list --all)`
      : `${id} could be ${matches.length} proposals: give more of the ID`,
  );
}

/**
 * @throws {CliError} CLI_BAD_INPUT when the proposal is closed or already holds this signer.
 */
export function requireOpen(proposal: Proposal, signer: string): void {
  if (proposal.status !== 'open') {
    throw new CliError(
      'CLI_BAD_INPUT',
      proposal.status === 'logged'
        ? `proposal ${proposal.id} is already logged (index ${proposal.index ?? '?'})`
        : `proposal ${proposal.id} was withdrawn`,
    );
  }
  if (proposal.statement.signatures.some((s) => s.signer === signer)) {
    throw badInput(`${signer} has already signed proposal ${proposal.id}`);
  }
}

/** Whether the proposal's ID is the digest of its statement, as the protocol defines it. */
export function proposalMatches(proposal: Proposal, part: SignedPart): boolean {
  return encodeHex(statementDigest(part)) === proposal.id;
}
