import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { loginNamespace, MemberList, normalizeHandle, type MemberInfo } from '@allmende/protocol';
import { fingerprint, formatPublicKey, type SshPublicKey } from '@allmende/ssh';
import { z } from 'zod';
import { ApiClient, ApiError, normalizeServerUrl, segment } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  JSON_OUTPUT,
  optional,
  printList,
  SERVER,
} from '../cli.ts';
import { connect, cooperative, requireLogin } from '../connection.ts';
import { CredentialStore } from '../credentials.ts';
import { readSshPublicKey } from '../member-keys.ts';
import { agentSocketFromEnvironment, SshAgentClient } from '../ssh/agent.ts';
import { signWithSsh } from '../ssh/sign.ts';

// Sign-in from the command line: the server sends a nonce, the member signs it with their SSH
// key in the cooperative's login namespace (never the statement namespace, so a login proof can
// never pass for consent), and the server answers with an API token, kept in the credentials file.

const Challenge = z.object({ nonce: z.string().min(1).max(1024), namespace: z.string() });
const IssuedToken = z.object({
  token: z.string().min(1).max(4096),
  id: z.union([z.string().min(1), z.number()]).transform(String),
});
const TokenList = z.object({
  tokens: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).transform(String),
      label: z.string().nullable().optional(),
      createdAt: z.string(),
      lastUsedAt: z.string().nullable().optional(),
    }),
  ),
});

export const LOGIN_COMMANDS: Record<string, Command> = {
  login: {
    synopsis: 'login URL [--handle H] [--key PATH] [--label L]',
    summary:
      'sign in with your SSH key (the agent, or a key file) and keep an API token in ~/.config/allmende',
    options: { handle: { type: 'string' }, key: { type: 'string' }, label: { type: 'string' } },
    args: 1,
    async run(values, [url = '']) {
      const server = normalizeServerUrl(url);
      const api = new ApiClient(server);
      const coop = await cooperative({
        server,
        api,
        login: undefined,
        store: new CredentialStore(),
      });
      const keyOption = optional(values, 'key');
      const handleOption = optional(values, 'handle');
      const { handle, key } =
        handleOption !== undefined
          ? { handle: normalizeHandle(handleOption), key: keyOption && resolve(keyOption) }
          : await identify(api, keyOption);

      const namespace = loginNamespace(coop.origin);
      const challenge = await api.post('/api/auth/ssh/challenge', { handle }, Challenge);
      if (challenge.namespace !== namespace) {
        throw new CliError(
          'CLI_BAD_REPLY',
          `${server} asked for a login proof in ${JSON.stringify(challenge.namespace)}, not ${JSON.stringify(namespace)}: nothing was signed`,
        );
      }
      const signature = await signWithSsh({
        message: new TextEncoder().encode(challenge.nonce),
        namespace,
        key,
      });
      const label = optional(values, 'label') ?? `allmende CLI on ${hostname()}`;
      const issued = await api.post(
        '/api/auth/ssh/token',
        { handle, nonce: challenge.nonce, signature, label },
        IssuedToken,
      );
      const store = new CredentialStore();
      const replaced = await store.save({
        url: server,
        origin: coop.origin,
        handle,
        token: issued.token,
        tokenId: issued.id,
        ...(key !== undefined && { key }),
        createdAt: new Date().toISOString(),
      });
      if (replaced !== undefined) {
        // The earlier token is of no use any more; if it is already gone, so much the better.
        await new ApiClient(server, replaced.token)
          .delete(`/api/auth/tokens/${segment(replaced.tokenId)}`)
          .catch(() => undefined);
      }
      console.log(`Logged in to ${coop.name} (${server}) as ${handle}.`);
      console.log(`Token ${issued.id} ("${label}") is kept in ${store.path}.`);
      return 0;
    },
  },
  logout: {
    synopsis: 'logout [--server URL]',
    summary: 'revoke the API token and forget it',
    options: SERVER,
    args: 0,
    async run(values) {
      const connection = await connect(values);
      const login = requireLogin(connection);
      let failure: CliError | undefined;
      try {
        await connection.api.delete(`/api/auth/tokens/${segment(login.tokenId)}`);
      } catch (error) {
        const gone = error instanceof ApiError && (error.status === 401 || error.status === 404);
        if (!gone) {
          if (!(error instanceof CliError)) throw error;
          failure = error;
        }
      }
      await connection.store.remove(connection.server);
      if (failure !== undefined) {
        throw new CliError(
          failure.code,
          `forgot the token for ${connection.server}, but could not revoke it there (${failure.message}): ` +
            `it stays valid until you revoke token ${login.tokenId} from another login`,
        );
      }
      console.log(`Logged out of ${connection.server}.`);
      return 0;
    },
  },
  'token list': {
    synopsis: 'token list [--server URL] [--json]',
    summary: 'your API tokens',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const connection = await connect(values);
      const login = requireLogin(connection);
      const { tokens } = await connection.api.get('/api/auth/tokens', TokenList);
      return printList(values, tokens, ['ID', 'LABEL', 'CREATED', 'LAST USED'], (t) => [
        t.id === login.tokenId ? `${t.id} *` : t.id,
        t.label ?? '',
        t.createdAt,
        t.lastUsedAt ?? 'never',
      ]);
    },
  },
  'token revoke': {
    synopsis: 'token revoke ID [--server URL]',
    summary: 'revoke one of your API tokens',
    options: SERVER,
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      const login = requireLogin(connection);
      await connection.api.delete(`/api/auth/tokens/${segment(id)}`);
      if (id === login.tokenId) {
        await connection.store.remove(connection.server);
        console.log(`Token ${id} revoked; it was this login's, so you are logged out.`);
      } else {
        console.log(`Token ${id} revoked.`);
      }
      return 0;
    },
  },
};

/**
 * Who the member is, without --handle: the active member holding the key given, or one of the
 * SSH agent's keys.
 */
async function identify(
  api: ApiClient,
  keyOption: string | undefined,
): Promise<{ handle: string; key: string | undefined }> {
  let candidates: { publicKey: SshPublicKey; key: string }[];
  if (keyOption !== undefined) {
    const { publicKey } = await readSshPublicKey(keyOption);
    candidates = [{ publicKey, key: resolve(keyOption) }];
  } else {
    const socketPath = agentSocketFromEnvironment();
    if (socketPath === undefined) {
      throw badInput('pass --handle H and --key PATH (there is no SSH agent to look in)');
    }
    const identities = await new SshAgentClient({ socketPath }).listIdentities();
    candidates = await Promise.all(
      identities.map(async ({ publicKey }) => ({ publicKey, key: await fingerprint(publicKey) })),
    );
  }
  const { members } = await api.get('/api/members', MemberList);
  const matches: { member: MemberInfo; key: string }[] = [];
  for (const candidate of candidates) {
    const line = formatPublicKey({ ...candidate.publicKey, comment: '' });
    for (const member of members) {
      const holds = member.keys.some(
        (k) => k.revokedAt === null && k.key.kind === 'ssh' && k.key.publicKey === line,
      );
      if (member.status === 'active' && holds) matches.push({ member, key: candidate.key });
    }
  }
  const [match, ...others] = matches;
  if (match === undefined) {
    throw badInput(
      keyOption !== undefined
        ? `${keyOption} is not the key of any member of ${api.server}: pass --handle`
        : `none of the SSH agent's keys belongs to a member of ${api.server}: pass --handle and --key`,
    );
  }
  if (others.length > 0) {
    throw badInput(
      `keys of several members are at hand (${matches.map((m) => m.member.handle).join(', ')}): pass --handle and --key`,
    );
  }
  return { handle: match.member.handle, key: match.key };
}
