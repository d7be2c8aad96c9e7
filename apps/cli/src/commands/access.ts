import { writeFile } from 'node:fs/promises';
import {
  AccessRequest,
  AccessRequestList,
  newNonce,
  signedPartOf,
  statementDigest,
  type SignedPart,
} from '@allmende/protocol';
import { fingerprint, parseCertificate, parsePublicKey, verifyCertificate } from '@allmende/ssh';
import { encodeHex } from '@allmende/bytes';
import { ApiError, segment } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  required,
  SERVER,
  shown,
  usageError,
  type Values,
} from '../cli.ts';
import { connect, cooperative, requireLogin, type Connection } from '../connection.ts';
import { confirm } from '../input.ts';
import { readSshPublicKey } from '../member-keys.ts';
import { summarizeStatement } from '../statement-summary.ts';
import { SIGN_PROPOSAL, signProposal } from './proposal.ts';
import { parseSignedPart, signStatement } from '../statements.ts';

// Access to the cooperative's hosts from the command line: request it, approve, deny or
// withdraw it, and fetch the certificate next to the key, where plain `ssh` finds it. Every
// statement is shown in plain words before it is signed.

const SIGNING = {
  ...SERVER,
  ...JSON_OUTPUT,
  key: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
} as const;

/** An access request by its number (the log index of its `access.requested`). */
export function isAccessRequestId(id: string): boolean {
  return /^[1-9][0-9]{0,15}$/.test(id);
}

export async function fetchAccessRequest(
  connection: Connection,
  id: string,
): Promise<AccessRequest> {
  if (!isAccessRequestId(id))
    throw badInput(`${JSON.stringify(id)} is not an access request number`);
  const request = await connection.api.get(`/api/access/requests/${segment(id)}`, AccessRequest);
  // The server names what is to be approved: check that it is what the requester signed.
  const digest = encodeHex(statementDigest(signedPartOf(request.statement)));
  if (digest !== request.digest || request.id !== Number(id)) {
    throw new CliError(
      'CLI_BAD_REPLY',
      `${connection.server} sent request ${id} with a digest that is not that of its statement: nothing was signed`,
    );
  }
  return request;
}

function describeRequest(request: AccessRequest): string[] {
  const { consent, certificate } = request;
  const lines = [
    `access request ${request.id}: ${request.status}, by ${request.requester} since ${request.createdAt}`,
    `  host ${request.host} as ${request.login} for ${request.minutes} minutes, for ticket #${request.ticket}`,
    `  reason: ${request.reason}`,
    `  command: ${request.command ?? '(an interactive session)'}`,
    `  key: ${request.key}`,
    `  approved by: ${request.approvals.map((a) => `${a.handle}${a.counts ? '' : ' (does not count)'}`).join(', ') || 'nobody yet'}`,
  ];
  if (request.status === 'pending') {
    lines.push(`  approvals: ${consent.have} of ${consent.need}`);
    for (const missing of consent.missing) lines.push(`  still needed: ${missing}`);
  }
  if (request.denial) {
    lines.push(
      `  denied by ${request.denial.handle}${request.denial.reason ? `: ${request.denial.reason}` : ''}`,
    );
  }
  if (certificate) {
    lines.push(
      `  certificate ${certificate.serial} (${certificate.keyId}), valid ${certificate.validAfter} to ${certificate.validBefore}`,
    );
    if (certificate.revokedIndex !== null) {
      lines.push(
        `  revoked at entry ${certificate.revokedIndex} (${certificate.revokeReason ?? '?'})`,
      );
    }
  }
  return lines.map(shown);
}

/** Shows the draft in plain words, asks (unless --yes), and signs it with the member's key. */
async function signDraft(
  values: Values,
  connection: Connection,
  part: SignedPart,
  key: string | undefined,
) {
  const login = requireLogin(connection);
  const say = flag(values, 'json') ? console.error : console.log;
  for (const line of await summarizeStatement(part)) say(line);
  if (values.yes !== true && !(await confirm(`Sign this ${part.type} as ${login.handle}?`))) {
    throw new CliError('CLI_DECLINED', 'not signed');
  }
  const coop = await cooperative(connection);
  const signature = await signStatement(part, login.handle, coop.statementNamespace, key);
  return { ...part, signatures: [signature] };
}

function report(values: Values, request: AccessRequest): number {
  if (flag(values, 'json')) {
    printJson(request);
    return 0;
  }
  for (const line of describeRequest(request)) console.log(line);
  if (request.status === 'pending') {
    console.log(`  others approve it with: allmende approve ${request.id}`);
  }
  if (request.status === 'issued') {
    console.log(`  fetch the certificate with: allmende cert ${request.id}`);
  }
  return 0;
}

type AnswerType = 'access.approved' | 'access.denied' | 'access.withdrawn';
const ANSWER_PATHS: Record<AnswerType, string> = {
  'access.approved': 'approvals',
  'access.denied': 'denial',
  'access.withdrawn': 'withdrawal',
};

/** Approves, denies or withdraws a request, after showing the request itself. */
export async function answerAccessRequest(
  values: Values,
  id: string,
  type: AnswerType,
): Promise<number> {
  const connection = await connect(values);
  const login = requireLogin(connection);
  const target = await fetchAccessRequest(connection, id);
  const say = flag(values, 'json') ? console.error : console.log;
  for (const line of describeRequest(target)) say(line);
  const reason = optional(values, 'reason');
  const part = parseSignedPart({
    v: 1,
    type,
    actor: `member:${login.handle}`,
    nonce: newNonce(),
    body: {
      request: target.id,
      digest: target.digest,
      ...(reason !== undefined && { reason: reason.normalize('NFC') }),
    },
  });
  const statement = await signDraft(values, connection, part, optional(values, 'key') ?? login.key);
  const answered = await connection.api.post(
    `/api/access/requests/${target.id}/${ANSWER_PATHS[type]}`,
    statement,
    AccessRequest,
  );
  return report(values, answered);
}

/** The private key file whose `-cert.pub` ssh reads: the key path without `.pub`. */
function certificatePath(key: string): string {
  return `${key.replace(/\.pub$/, '')}-cert.pub`;
}

export const ACCESS_COMMANDS: Record<string, Command> = {
  request: {
    synopsis:
      'request --host H --login L --minutes N --ticket T --reason R [--command C] [--key PATH] [--yes] [--server URL] [--json]',
    summary:
      'ask for access to a host for a ticket; the key (default: your login key) is certified once others approve',
    options: {
      ...SIGNING,
      host: { type: 'string' },
      login: { type: 'string' },
      minutes: { type: 'string' },
      ticket: { type: 'string' },
      reason: { type: 'string' },
      command: { type: 'string' },
    },
    args: 0,
    async run(values) {
      const minutes = Number(required(values, 'minutes'));
      const ticket = Number(required(values, 'ticket').replace(/^#/, ''));
      if (!Number.isSafeInteger(minutes) || minutes < 1)
        throw badInput('--minutes is a whole number of minutes');
      if (!Number.isSafeInteger(ticket) || ticket < 1)
        throw badInput('--ticket is a ticket number');
      const connection = await connect(values);
      const login = requireLogin(connection);
      const key = optional(values, 'key') ?? login.key;
      if (key === undefined) {
        throw usageError(
          '--key ~/.ssh/id_ed25519.pub names the key to certify (your login has no key file)',
        );
      }
      const certified = await readSshPublicKey(key);
      const command = optional(values, 'command');
      const part = parseSignedPart({
        v: 1,
        type: 'access.requested',
        actor: `member:${login.handle}`,
        nonce: newNonce(),
        body: {
          host: required(values, 'host'),
          login: required(values, 'login'),
          minutes,
          ticket,
          reason: required(values, 'reason').normalize('NFC'),
          ...(command !== undefined && { command: command.normalize('NFC') }),
          key: await fingerprint(certified.publicKey),
        },
      });
      const statement = await signDraft(values, connection, part, key);
      const created = await connection.api.post('/api/access/requests', statement, AccessRequest);
      return report(values, created);
    },
  },
  approve: {
    synopsis:
      'approve ID [--yes] [--key PATH | --signature FILE --signer H] [--server URL] [--json]',
    summary:
      'approve an access request (ID: its number) or sign a proposal (ID: its hex digest, or 6 or more of its first digits; --signature and --signer are for proposals)',
    options: SIGN_PROPOSAL,
    args: 1,
    async run(values, [id = '']) {
      if (!isAccessRequestId(id)) return signProposal(values, id);
      // A number of six digits or more could also begin a proposal's hex digest.
      if (/^[0-9]{6,}$/.test(id)) {
        const connection = await connect(values);
        const request = await connection.api
          .get(`/api/access/requests/${segment(id)}`, AccessRequest)
          .catch((error: unknown) => {
            if (error instanceof ApiError && error.status === 404) return undefined;
            throw error;
          });
        if (request === undefined) return signProposal(values, id);
      }
      if (values.signature !== undefined || values.signer !== undefined) {
        throw usageError(
          '--signature and --signer are for proposals; approve a request with your key',
        );
      }
      return answerAccessRequest(values, id, 'access.approved');
    },
  },
  deny: {
    synopsis: 'deny ID [--reason R] [--yes] [--key PATH] [--server URL] [--json]',
    summary: 'deny an access request of someone else; one denial closes it',
    options: { ...SIGNING, reason: { type: 'string' } },
    args: 1,
    run: (values, [id = '']) => answerAccessRequest(values, id, 'access.denied'),
  },
  withdraw: {
    synopsis: 'withdraw ID [--reason R] [--yes] [--key PATH] [--server URL] [--json]',
    summary: 'withdraw your access request; a certificate issued for it is revoked',
    options: { ...SIGNING, reason: { type: 'string' } },
    args: 1,
    run: (values, [id = '']) => answerAccessRequest(values, id, 'access.withdrawn'),
  },
  cert: {
    synopsis: 'cert ID [--key PATH] [--server URL]',
    summary:
      'fetch the certificate of your issued request next to the key, as KEY-cert.pub, where ssh finds it',
    options: { ...SERVER, key: { type: 'string' } },
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      const target = await fetchAccessRequest(connection, id);
      const key = optional(values, 'key') ?? connection.login?.key;
      if (key === undefined) throw usageError('--key PATH names the key the certificate is for');
      const certified = await readSshPublicKey(key);
      if ((await fingerprint(certified.publicKey)) !== target.key) {
        throw badInput(`request ${target.id} certifies the key ${target.key}, not ${key}`);
      }
      const line = await fetchText(connection, `/api/access/requests/${target.id}/certificate`);
      const ca = (await fetchText(connection, '/api/access/ca')).trim();
      // The server is not trusted blindly: the certificate must be the CA's, for this key.
      try {
        const certificate = parseCertificate(line);
        await verifyCertificate(certificate, {
          caKey: parsePublicKey(ca),
          principal: target.login,
          type: 'user',
        });
        if ((await fingerprint(certificate.publicKey)) !== target.key) {
          throw new Error('it certifies another key');
        }
      } catch (error) {
        throw new CliError(
          'CLI_BAD_REPLY',
          `${connection.server} sent a certificate that does not hold: ${(error as Error).message}`,
        );
      }
      const path = certificatePath(certified.path ?? key);
      await writeFile(path, line.endsWith('\n') ? line : `${line}\n`, { mode: 0o644 });
      const { certificate } = target;
      console.log(
        shown(
          `wrote ${path}: ${target.login}@${target.host} until ${certificate?.validBefore ?? '?'}; ssh -i ${path.replace(/-cert\.pub$/, '')} ${target.login}@<address of ${target.host}>`,
        ),
      );
      return 0;
    },
  },
  'access list': {
    synopsis: 'access list [--open] [--host H] [--ticket T] [--server URL] [--json]',
    summary: 'access requests, newest first; --open: pending and issued ones',
    options: {
      ...SERVER,
      ...JSON_OUTPUT,
      open: { type: 'boolean' },
      host: { type: 'string' },
      ticket: { type: 'string' },
    },
    args: 0,
    async run(values) {
      const connection = await connect(values);
      const query = new URLSearchParams();
      if (flag(values, 'open')) query.set('open', '1');
      const host = optional(values, 'host');
      if (host !== undefined) query.set('host', host);
      const ticket = optional(values, 'ticket');
      if (ticket !== undefined) query.set('ticket', ticket.replace(/^#/, ''));
      const { requests } = await connection.api.get(
        `/api/access/requests?${query}`,
        AccessRequestList,
      );
      return printList(
        values,
        requests,
        ['ID', 'STATUS', 'BY', 'HOST', 'LOGIN', 'TICKET', 'APPROVALS'],
        (r) => [
          String(r.id),
          r.status,
          r.requester,
          r.host,
          r.login,
          `#${r.ticket}`,
          r.status === 'pending'
            ? `${r.consent.have} of ${r.consent.need}`
            : String(r.approvals.length),
        ],
      );
    },
  },
  'access show': {
    synopsis: 'access show ID [--server URL] [--json]',
    summary: 'an access request: what it asks for, who approved it, its certificate',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [id = '']) {
      return report(values, await fetchAccessRequest(await connect(values), id));
    },
  },
};

async function fetchText(connection: Connection, path: string): Promise<string> {
  const url = new URL(path, connection.server);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error' });
  } catch (error) {
    throw new CliError('CLI_NETWORK', `cannot reach ${connection.server}`, { cause: error });
  }
  const text = (await response.text()).slice(0, 64 * 1024);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body.error?.message)
        message = `${body.error.message} (${response.status}, ${body.error.code ?? ''})`;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(response.status, shown(message));
  }
  return text;
}
