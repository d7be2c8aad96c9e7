import { ApiClient, normalizeServerUrl } from '../api-client.ts';
import { CliError, JSON_OUTPUT, flag, optional, usageError, type Command } from '../cli.ts';
import { CredentialStore } from '../credentials.ts';
import { LOG_VERIFY_OPTIONS, logVerifyArgs } from './log.ts';

export const VERIFY_COMMANDS: Record<string, Command> = {
  verify: {
    synopsis:
      'verify URL --key VKEY [--witness WKEY]… [--witnesses FILE] [--witness-quorum K] [--previous FILE] [--cache DIR] [--json] [--follow [--interval SECONDS] [--webhook URL] [--ticket [--server URL]]]',
    summary:
      'everything log verify checks, and a replay of every statement from the genesis against the rules in force at it; --follow keeps watching and raises the alarm on a violation or a fork',
    options: {
      ...JSON_OUTPUT,
      ...LOG_VERIFY_OPTIONS,
      follow: { type: 'boolean' },
      interval: { type: 'string' },
      webhook: { type: 'string' },
      ticket: { type: 'boolean' },
      server: { type: 'string' },
    },
    args: 1,
    async run(values, [url = '']) {
      const logArgs = logVerifyArgs('verify', values, url);
      const server = optional(values, 'server');
      if (server !== undefined && !flag(values, 'ticket')) {
        throw usageError('--server names where --ticket opens the alarm ticket');
      }
      const tickets = flag(values, 'ticket') ? await ticketClient(url, server) : undefined;
      const { runRulesCommand } = await import('../verify/rules-command.ts');
      return runRulesCommand(
        {
          ...logArgs,
          json: flag(values, 'json'),
          follow: flag(values, 'follow'),
          interval: optional(values, 'interval'),
          webhook: optional(values, 'webhook'),
        },
        { stdout: process.stdout, stderr: process.stderr, tickets },
      );
    },
  },
};

/**
 * The help desk of the cooperative whose log is watched (by default the server of the log's
 * URL), with the member's login there; checked before watching begins, so that a missing login
 * shows at once and not only when the alarm is raised.
 * @throws {CliError} CLI_NOT_LOGGED_IN, CLI_BAD_INPUT
 */
async function ticketClient(logUrl: string, server: string | undefined): Promise<ApiClient> {
  let base: string;
  if (server !== undefined) base = normalizeServerUrl(server);
  else {
    try {
      base = normalizeServerUrl(new URL(logUrl).origin);
    } catch {
      throw new CliError('CLI_BAD_INPUT', `invalid URL "${logUrl}"`);
    }
  }
  const login = await new CredentialStore().find(base);
  if (login === undefined) {
    throw new CliError(
      'CLI_NOT_LOGGED_IN',
      `--ticket opens the alarm ticket as you: run allmende login ${base} first (or name another server with --server)`,
    );
  }
  return new ApiClient(base, login.token);
}
