import { createHash } from 'node:crypto';
import {
  CoopInfo,
  CreatedInvitation,
  Email,
  InvitationCheck,
  MemberInfo,
  MemberList,
  normalizeHandle,
  statementNamespace,
  type MemberKey,
} from '@allmende/protocol';
import { fingerprint } from '@allmende/ssh';
import { ApiClient, normalizeServerUrl, segment } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  repeated,
  required,
  SERVER,
  shown,
  STATEMENT,
  usageError,
} from '../cli.ts';
import { connect, requireLogin } from '../connection.ts';
import { CredentialStore } from '../credentials.ts';
import { readMemberKey, readSshPublicKey } from '../member-keys.ts';
import { proposeStatement, reportProposal, submitProposal } from '../proposals.ts';
import { draftStatement, formatStatement, signStatement } from '../statements.ts';
import { SIGN_PROPOSAL, signProposal } from './proposal.ts';

export const MEMBER_COMMANDS: Record<string, Command> = {
  'member list': {
    synopsis: 'member list [--server URL] [--json]',
    summary: 'the members, their status and the services they look after',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const { api } = await connect(values);
      const { members } = await api.get('/api/members', MemberList);
      return printList(values, members, ['HANDLE', 'NAME', 'STATUS', 'SERVICES'], (m) => [
        m.handle,
        m.name,
        memberStatus(m),
        services(m),
      ]);
    },
  },
  'member show': {
    synopsis: 'member show HANDLE [--server URL] [--json]',
    summary: "a member's keys, services and status (and e-mail, for members)",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [handle = '']) {
      const { api } = await connect(values);
      const member = await api.get(`/api/members/${segment(normalizeHandle(handle))}`, MemberInfo);
      if (flag(values, 'json')) {
        printJson(member);
        return 0;
      }
      const lines = [
        `${member.handle}  ${member.name}`,
        `status:   ${memberStatus(member)} (admitted at index ${member.admittedAt}${member.leftAt === null ? '' : `, left at ${member.leftAt}`})`,
        ...(member.email ? [`e-mail:   ${member.email}`] : []),
        `services: ${services(member) || '(none)'}`,
        'keys:',
        ...member.keys.map(
          (k) =>
            `  ${k.id}  ${k.key.kind}${k.revokedAt === null ? '' : ` (revoked at index ${k.revokedAt})`}`,
        ),
      ];
      console.log(lines.map(shown).join('\n'));
      return 0;
    },
  },
  'member invite': {
    synopsis: 'member invite [--note N] [--server URL] [--json]',
    summary: 'create an invitation code for a new member (shown only once)',
    options: { ...SERVER, ...JSON_OUTPUT, note: { type: 'string' } },
    args: 0,
    async run(values) {
      const connection = await connect(values);
      requireLogin(connection);
      const invitation = await connection.api.post(
        '/api/invitations',
        { note: optional(values, 'note') ?? '' },
        CreatedInvitation,
      );
      if (flag(values, 'json')) {
        printJson(invitation);
        return 0;
      }
      console.log(`Invitation code: ${invitation.code}`);
      console.log(`Link:            ${invitation.url}`);
      console.log(`Valid until:     ${invitation.expiresAt}`);
      console.log('The code is shown only this once. The candidate joins in the browser, or with');
      console.log(
        `  allmende member join ${connection.server} ${invitation.code} --handle H --name N --email E --key ~/.ssh/id_ed25519.pub`,
      );
      return 0;
    },
  },
  'member join': {
    synopsis:
      'member join URL [CODE] --handle H --name N --email E --key PATH [--age RECIPIENT] [--draft] [--json]',
    summary: 'ask to be admitted with an invitation code (URL may be the invitation link itself)',
    options: {
      ...JSON_OUTPUT,
      handle: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      key: { type: 'string' },
      age: { type: 'string', multiple: true },
      draft: { type: 'boolean' },
    },
    args: [1, 2],
    async run(values, [url = '', code]) {
      const { server, code: invitationCode } = invitationAddress(url, code);
      const api = new ApiClient(server);
      const check = await api.get(`/api/invitations/${segment(invitationCode)}`, InvitationCheck);
      const digest = createHash('sha256').update(invitationCode, 'utf8').digest('hex');
      if (check.digest !== digest) {
        throw new CliError('CLI_BAD_REPLY', `${server} answered for another invitation code`);
      }
      const handle = normalizeHandle(required(values, 'handle'));
      const name = required(values, 'name').normalize('NFC').trim();
      const email = Email.safeParse(required(values, 'email').trim());
      if (!email.success)
        throw badInput(`--email ${required(values, 'email')}: not an e-mail address`);
      const keyPath = required(values, 'key');
      const sshKey = await readSshPublicKey(keyPath);
      const keys: MemberKey[] = [{ kind: 'ssh', publicKey: sshKey.line }];
      for (const recipient of repeated(values, 'age')) keys.push(await readMemberKey(recipient));
      const part = draftStatement('member.admitted', handle, {
        handle,
        name,
        keys,
        invitation: check.digest,
      });
      if (flag(values, 'draft')) {
        process.stdout.write(formatStatement(part));
        return 0;
      }
      const coop = await api.get('/api/coop', CoopInfo);
      console.error(
        `${shown(check.invitedByName)} (${check.invitedBy}) invites you to ${shown(check.coop)}.`,
      );
      const signature = await signStatement(
        part,
        handle,
        statementNamespace(coop.origin),
        sshKey.path ?? (await fingerprint(sshKey.publicKey)),
      );
      const proposal = await submitProposal(
        { server, api, login: undefined, store: new CredentialStore() },
        part,
        [signature],
        email.data,
      );
      reportProposal(proposal, flag(values, 'json'));
      if (!flag(values, 'json')) {
        console.log(
          proposal.status === 'logged'
            ? `Welcome! Log in with: allmende login ${server} --handle ${handle} --key ${keyPath}`
            : `Once members have vouched for you, log in with: allmende login ${server} --handle ${handle} --key ${keyPath}`,
        );
      }
      return 0;
    },
  },
  'member admit': {
    synopsis: 'member admit ID [--yes] [--key PATH] [--server URL]',
    summary: 'vouch for a candidate: sign their admission after seeing what it says',
    options: SIGN_PROPOSAL,
    args: 1,
    run: (values, [id = '']) => signProposal(values, id, 'member.admitted'),
  },
  'member leave': {
    synopsis: 'member leave [--reason R] [--draft] [--server URL]',
    summary: 'leave the cooperative',
    options: { ...STATEMENT, reason: { type: 'string' } },
    args: 0,
    run: (values) =>
      proposeStatement(values, 'member.left', (me) => ({
        handle: me,
        ...reason(optional(values, 'reason')),
      })),
  },
  'member remove': {
    synopsis: 'member remove HANDLE --reason R [--draft] [--server URL]',
    summary: 'propose to remove a member (others must sign)',
    options: { ...STATEMENT, reason: { type: 'string' } },
    args: 1,
    run: (values, [handle = '']) =>
      proposeStatement(values, 'member.removed', () => ({
        handle: normalizeHandle(handle),
        reason: required(values, 'reason').normalize('NFC'),
      })),
  },
};

function reason(text: string | undefined): { reason?: string } {
  return text === undefined ? {} : { reason: text.normalize('NFC') };
}

function memberStatus(member: MemberInfo): string {
  if (member.status !== 'active' || !member.away) return member.status;
  return member.awayUntil ? `away until ${member.awayUntil}` : 'away';
}

function services(member: MemberInfo): string {
  return member.services
    .map((s) => (s.role === 'steward' ? s.slug : `${s.slug} (${s.role})`))
    .join(', ');
}

/** The server and code from `URL CODE`, or from an invitation link `…/join/CODE` alone. */
function invitationAddress(
  url: string,
  code: string | undefined,
): { server: string; code: string } {
  if (code !== undefined) return { server: normalizeServerUrl(url), code: code.trim() };
  const match = /^(.*)\/join\/([^/?#]+)\/?$/.exec(url.trim());
  if (match === null) {
    throw usageError('member join needs URL CODE, or the invitation link (…/join/CODE)');
  }
  return { server: normalizeServerUrl(match[1]!), code: decodeURIComponent(match[2]!) };
}
