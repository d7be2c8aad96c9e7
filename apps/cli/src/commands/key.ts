import { MemberInfo, normalizeHandle } from '@allmende/protocol';
import { segment } from '../api-client.ts';
import {
  type Command,
  JSON_OUTPUT,
  optional,
  printList,
  SERVER,
  STATEMENT,
  usageError,
} from '../cli.ts';
import { connect, requireLogin } from '../connection.ts';
import { keyId, readMemberKey } from '../member-keys.ts';
import { proposeStatement } from '../proposals.ts';

export const KEY_COMMANDS: Record<string, Command> = {
  'key list': {
    synopsis: 'key list [HANDLE] [--server URL] [--json]',
    summary: "a member's keys (yours without HANDLE), with their IDs",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: [0, 1],
    async run(values, [handle]) {
      const connection = await connect(values);
      const whose =
        handle === undefined ? requireLogin(connection).handle : normalizeHandle(handle);
      const member = await connection.api.get(`/api/members/${segment(whose)}`, MemberInfo);
      return printList(values, member.keys, ['ID', 'KIND', 'ADDED', 'REVOKED'], (k) => [
        k.id,
        k.key.kind === 'passkey' && k.key.label ? `passkey "${k.key.label}"` : k.key.kind,
        `#${k.addedAt}`,
        k.revokedAt === null ? '' : `#${k.revokedAt}`,
      ]);
    },
  },
  'key add': {
    synopsis: 'key add PATH | --age RECIPIENT [--draft] [--server URL]',
    summary: 'add an SSH key (its .pub file) or an age recipient to your keys',
    options: { ...STATEMENT, age: { type: 'string' } },
    args: [0, 1],
    async run(values, [path]) {
      const age = optional(values, 'age');
      if ((path === undefined) === (age === undefined)) {
        throw usageError('key add takes a public key file, or --age RECIPIENT');
      }
      const key = await readMemberKey(age ?? path!);
      return proposeStatement(values, 'key.added', (me) => ({ handle: me, key }));
    },
  },
  'key revoke': {
    synopsis: 'key revoke KEYID|PATH [--for HANDLE --reason R] [--draft] [--server URL]',
    summary:
      "revoke a key by its ID (SHA256:…, passkey:…, age1…) or .pub file; another member's with --for (others must sign)",
    options: { ...STATEMENT, for: { type: 'string' }, reason: { type: 'string' } },
    args: 1,
    async run(values, [id = '']) {
      const key = /^(SHA256:|passkey:|age1)/.test(id) ? id : await keyId(await readMemberKey(id));
      const whose = optional(values, 'for');
      const reason = optional(values, 'reason');
      return proposeStatement(values, 'key.revoked', (me) => ({
        handle: whose === undefined ? me : normalizeHandle(whose),
        key,
        ...(reason !== undefined && { reason: reason.normalize('NFC') }),
      }));
    },
  },
};
