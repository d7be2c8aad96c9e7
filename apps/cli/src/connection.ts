import { CoopInfo, statementNamespace } from '@allmende/protocol';
import { ApiClient, normalizeServerUrl } from './api-client.ts';
import { CliError, optional, type Values } from './cli.ts';
import { CredentialStore, type Login } from './credentials.ts';

/** A server to talk to, with the member's login there if there is one. */
export type Connection = {
  server: string;
  api: ApiClient;
  login: Login | undefined;
  store: CredentialStore;
};

/**
 * The server named by `--server`, else the only one the member is logged in to.
 * @throws {CliError} CLI_NOT_LOGGED_IN if there is none, or several to choose from.
 */
export async function connect(values: Values): Promise<Connection> {
  const store = new CredentialStore();
  const named = optional(values, 'server');
  if (named !== undefined) {
    const server = normalizeServerUrl(named);
    const login = await store.find(server);
    return { server, api: new ApiClient(server, login?.token), login, store };
  }
  const logins = await store.list();
  const [login, ...others] = logins;
  if (login === undefined) {
    throw new CliError(
      'CLI_NOT_LOGGED_IN',
      'no server: run allmende login URL first, or pass --server URL',
    );
  }
  if (others.length > 0) {
    throw new CliError(
      'CLI_NOT_LOGGED_IN',
      `logged in to ${logins.length} servers (${logins.map((l) => l.url).join(', ')}): pass --server URL`,
    );
  }
  return { server: login.url, api: new ApiClient(login.url, login.token), login, store };
}

/**
 * The member's login on the connected server.
 * @throws {CliError} CLI_NOT_LOGGED_IN
 */
export function requireLogin(connection: Connection): Login {
  if (connection.login === undefined) {
    throw new CliError(
      'CLI_NOT_LOGGED_IN',
      `not logged in to ${connection.server}: run allmende login ${connection.server} first`,
    );
  }
  return connection.login;
}

/** The cooperative behind the server, and the namespace its statements are signed in. */
export type Cooperative = CoopInfo & { statementNamespace: string };

/**
 * `GET /api/coop`, checked: the namespace to sign in is derived here from the origin, never taken
 * from the server, and a server whose origin changed since login is not trusted with signatures.
 * @throws {CliError} CLI_BAD_REPLY if the server contradicts itself or the login.
 */
export async function cooperative(connection: Connection): Promise<Cooperative> {
  const coop = await connection.api.get('/api/coop', CoopInfo);
  const namespace = statementNamespace(coop.origin);
  if (coop.namespace !== namespace) {
    throw new CliError(
      'CLI_BAD_REPLY',
      `${connection.server} says its statements are signed in ${JSON.stringify(coop.namespace)}, but for the origin ${coop.origin} that is ${JSON.stringify(namespace)}`,
    );
  }
  const pinned = connection.login?.origin;
  if (pinned !== undefined && pinned !== coop.origin) {
    throw new CliError(
      'CLI_BAD_REPLY',
      `${connection.server} now serves the log ${coop.origin}, but you logged in to ${pinned}: nothing was signed; log in again if the cooperative really moved`,
    );
  }
  return { ...coop, statementNamespace: namespace };
}
