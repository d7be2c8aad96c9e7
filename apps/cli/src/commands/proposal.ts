import {
  Handle,
  MemberInfo,
  normalizeHandle,
  PolicyInfo,
  Proposal,
  ProposalList,
  signedBytes,
  signedPartOf,
  type MemberStatementType,
  type StatementSignature,
} from '@allmende/protocol';
import { fingerprint, verifySignature } from '@allmende/ssh';
import { segment } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  SERVER,
  shown,
  type Values,
} from '../cli.ts';
import { connect, cooperative, requireLogin, type Connection } from '../connection.ts';
import { confirm, readInput } from '../input.ts';
import { keyId } from '../member-keys.ts';
import {
  fetchProposal,
  proposalMatches,
  reportProposal,
  requireOpen,
  submitProposal,
} from '../proposals.ts';
import { summarizeStatement } from '../statement-summary.ts';
import { parseStatementDocument, signStatement } from '../statements.ts';

/** Options of the commands that sign someone's proposal. */
export const SIGN_PROPOSAL = {
  ...SERVER,
  ...JSON_OUTPUT,
  yes: { type: 'boolean', short: 'y' },
  key: { type: 'string' },
  signature: { type: 'string' },
  signer: { type: 'string' },
} as const;
const SIGN_PROPOSAL_SYNOPSIS = '[--yes] [--key PATH | --signature FILE --signer H] [--server URL]';

/**
 * Shows what a proposal would have the member sign, asks (unless --yes), signs its signed part
 * and adds the signature. With --signature, the signature was made elsewhere (`ssh-keygen -Y
 * sign -n NAMESPACE`); it is checked against the signer's keys before it is sent.
 */
export async function signProposal(
  values: Values,
  id: string,
  expected?: MemberStatementType,
): Promise<number> {
  const connection = await connect(values);
  const proposal = await fetchProposal(connection, id);
  const part = signedPartOf(proposal.statement);
  if (!proposalMatches(proposal, part)) {
    throw new CliError(
      'CLI_BAD_REPLY',
      `${connection.server} sent proposal ${proposal.id} with a statement whose digest differs: nothing was signed`,
    );
  }
  if (expected !== undefined && part.type !== expected) {
    throw badInput(`proposal ${proposal.id} is a ${part.type}, not a ${expected}`);
  }
  let signer: string;
  let key = optional(values, 'key');
  const signerOption = optional(values, 'signer');
  if (signerOption === undefined) {
    const login = requireLogin(connection);
    signer = login.handle;
    key ??= login.key;
  } else {
    signer = normalizeHandle(signerOption);
  }
  requireOpen(proposal, signer);

  // With --json, standard output is for the answer alone.
  const say = flag(values, 'json') ? console.error : console.log;
  for (const line of await describeProposal(connection, proposal)) say(line);
  if (values.yes !== true && !(await confirm(`Sign this ${part.type} as ${signer}?`))) {
    throw new CliError('CLI_DECLINED', 'not signed');
  }
  const coop = await cooperative(connection);
  const signatureFile = optional(values, 'signature');
  const signature: StatementSignature =
    signatureFile === undefined
      ? await signStatement(part, signer, coop.statementNamespace, key)
      : {
          kind: 'ssh',
          signer,
          signature: await checkedSignature(connection, signatureFile, signer, {
            message: signedBytes(part),
            namespace: coop.statementNamespace,
          }),
        };
  const signed = await connection.api.post(
    `/api/proposals/${segment(proposal.id)}/signatures`,
    { signature },
    Proposal,
  );
  reportProposal(signed, flag(values, 'json'));
  return 0;
}

/** An armoured SSHSIG from a file, verified and made by one of the signer's current keys. */
async function checkedSignature(
  connection: Connection,
  file: string,
  signer: string,
  signed: { message: Uint8Array; namespace: string },
): Promise<string> {
  const armored = await readInput(file, 64 * 1024);
  const name = file === '-' ? 'standard input' : file;
  let publicKeyId: string;
  try {
    const { publicKey } = await verifySignature({ armored, ...signed });
    publicKeyId = await fingerprint(publicKey);
  } catch (error) {
    throw badInput(
      `${name} is not a valid signature of this statement in ${signed.namespace}: ${(error as Error).message}`,
      error,
    );
  }
  if (!Handle.safeParse(signer).success) throw badInput(`${signer} is not a handle`);
  const member = await connection.api.get(`/api/members/${segment(signer)}`, MemberInfo);
  const current = await Promise.all(
    member.keys.filter((k) => k.revokedAt === null).map(async (k) => await keyId(k.key)),
  );
  if (!current.includes(publicKeyId)) {
    throw badInput(
      `${name} was made with the key ${publicKeyId}, which is not a current key of ${signer}`,
    );
  }
  return armored;
}

async function describeProposal(connection: Connection, proposal: Proposal): Promise<string[]> {
  const part = signedPartOf(proposal.statement);
  // An open policy change reads best as its difference to the policy in force.
  const policy =
    part.type === 'policy.set' && proposal.status === 'open'
      ? (await connection.api.get('/api/policies', PolicyInfo)).policy
      : undefined;
  const status =
    proposal.status === 'logged' ? `logged at index ${proposal.index ?? '?'}` : proposal.status;
  return [
    `proposal ${proposal.id} (${part.type}, ${status}, since ${proposal.createdAt})`,
    ...(await summarizeStatement(part, { policy })),
    `signed by: ${proposal.statement.signatures.map((s) => `${s.signer} (${s.kind})`).join(', ') || 'nobody'}`,
    ...proposal.consent.missing.map((m) => `still needed: ${shown(m.text)}`),
  ];
}

export const PROPOSAL_COMMANDS: Record<string, Command> = {
  'proposal list': {
    synopsis: 'proposal list [--all] [--server URL] [--json]',
    summary: 'open proposals (with --all, also logged and withdrawn ones)',
    options: { ...SERVER, ...JSON_OUTPUT, all: { type: 'boolean' } },
    args: 0,
    async run(values) {
      const connection = await connect(values);
      const path = flag(values, 'all') ? '/api/proposals?status=all' : '/api/proposals';
      const { proposals } = await connection.api.get(path, ProposalList);
      if (proposals.length === 0 && !flag(values, 'json')) {
        console.log('no open proposals');
        return 0;
      }
      return printList(values, proposals, ['ID', 'TYPE', 'BY', 'STATUS', 'STILL NEEDED'], (p) => [
        p.id.slice(0, 12),
        p.statement.type,
        p.statement.actor.slice('member:'.length),
        p.status === 'logged' ? `logged #${p.index ?? '?'}` : p.status,
        p.consent.missing.map((m) => m.text).join('; '),
      ]);
    },
  },
  'proposal show': {
    synopsis: 'proposal show ID [--server URL] [--json]',
    summary: 'what a proposal says, who signed it, and what it still needs',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      const proposal = await fetchProposal(connection, id);
      if (flag(values, 'json')) {
        printJson(proposal);
        return 0;
      }
      for (const line of await describeProposal(connection, proposal)) console.log(line);
      return 0;
    },
  },
  'proposal sign': {
    synopsis: `proposal sign ID ${SIGN_PROPOSAL_SYNOPSIS}`,
    summary: 'sign a proposal after seeing what it says',
    options: SIGN_PROPOSAL,
    args: 1,
    run: (values, [id = '']) => signProposal(values, id),
  },
  'proposal withdraw': {
    synopsis: 'proposal withdraw ID [--server URL] [--json]',
    summary: 'withdraw a proposal you made',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      requireLogin(connection);
      const proposal = await fetchProposal(connection, id);
      const withdrawn = await connection.api.delete(
        `/api/proposals/${segment(proposal.id)}`,
        Proposal,
      );
      reportProposal(withdrawn, flag(values, 'json'));
      return 0;
    },
  },
  'proposal submit': {
    synopsis: 'proposal submit FILE|- [--email E] [--server URL] [--json]',
    summary: 'submit a statement signed with allmende sign (or ssh-keygen) as a proposal',
    options: { ...SERVER, ...JSON_OUTPUT, email: { type: 'string' } },
    args: 1,
    async run(values, [file = '']) {
      const source = file === '-' ? 'standard input' : file;
      const { part, signatures } = parseStatementDocument(await readInput(file), source);
      if (signatures.length === 0) {
        throw badInput(`${source} holds no signature: sign it first with allmende sign ${file}`);
      }
      const connection = await connect(values);
      const proposal = await submitProposal(
        connection,
        part,
        signatures,
        optional(values, 'email'),
      );
      reportProposal(proposal, flag(values, 'json'));
      return 0;
    },
  },
};
