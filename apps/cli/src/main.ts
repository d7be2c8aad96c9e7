import { parseArgs } from 'node:util';
import { CliError, EXIT_CODES, type Command } from './cli.ts';
import { ACCESS_COMMANDS } from './commands/access.ts';
import { AGENT_CLI_COMMANDS } from './commands/agent.ts';
import { COOP_COMMANDS } from './commands/coop.ts';
import { HOST_COMMANDS } from './commands/host.ts';
import { KEY_COMMANDS } from './commands/key.ts';
import { LOG_COMMANDS } from './commands/log.ts';
import { LOGIN_COMMANDS } from './commands/login.ts';
import { MEMBER_COMMANDS } from './commands/member.ts';
import { POLICY_COMMANDS } from './commands/policy.ts';
import { PROPOSAL_COMMANDS } from './commands/proposal.ts';
import { SERVICE_COMMANDS } from './commands/service.ts';
import { SESSION_COMMANDS } from './commands/session.ts';
import { SIGN_COMMANDS } from './commands/sign.ts';
import { WIKI_COMMANDS } from './commands/wiki.ts';
import { TICKET_COMMANDS } from './commands/ticket.ts';
import { VERIFY_COMMANDS } from './commands/verify.ts';
import { WITNESS_COMMANDS } from './witness/command.ts';
import { SshSignError } from './ssh/sign-error.ts';

const COMMANDS: Record<string, Command> = {
  ...COOP_COMMANDS,
  ...LOG_COMMANDS,
  ...VERIFY_COMMANDS,
  ...LOGIN_COMMANDS,
  ...MEMBER_COMMANDS,
  ...PROPOSAL_COMMANDS,
  ...SIGN_COMMANDS,
  ...SERVICE_COMMANDS,
  ...WIKI_COMMANDS,
  ...TICKET_COMMANDS,
  ...HOST_COMMANDS,
  ...KEY_COMMANDS,
  ...POLICY_COMMANDS,
  ...WITNESS_COMMANDS,
  ...ACCESS_COMMANDS,
  ...SESSION_COMMANDS,
  ...AGENT_CLI_COMMANDS,
};

function usage(names: readonly string[]): string {
  return names
    .map((name) => {
      const { synopsis, summary } = COMMANDS[name]!;
      return `${wrap(`allmende ${synopsis}`, '  ', '          ')}\n${wrap(summary, '      ', '      ')}`;
    })
    .join('\n');
}

/** Words in lines of at most 100 characters. */
function wrap(text: string, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && line.length + word.length + 1 > 100) {
      lines.push(line);
      line = rest;
    }
    line += line.trim() === '' ? word : ` ${word}`;
  }
  return [...lines, line].join('\n');
}

const USAGE = `allmende — the operating system of an internet cooperative

Usage:
${usage(Object.keys(COMMANDS))}

Commands that talk to a server use --server URL, or the server you logged in to. Those that make
a statement sign it with your SSH key (--key PATH, else the key of your login or your SSH agent)
and submit it as a proposal; --draft prints the unsigned statement instead, for allmende sign.
--json prints what the server answered, for scripts.

Settings come from flags, then ALLMENDE_* variables, then DIR/allmende.toml (see README.md).
Logins are kept in $ALLMENDE_CONFIG_DIR, else $XDG_CONFIG_HOME/allmende, else ~/.config/allmende.
`;

const PARSE_ERRORS = [
  'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
];

/** Runs one command line; returns the exit code: 0 done, 1 failed, 2 bad input. */
export async function main(argv: string[]): Promise<number> {
  const help = argv.includes('--help') || argv.includes('-h');
  const name = [`${argv[0]} ${argv[1]}`, argv[0]].find((n) => n && COMMANDS[n]);
  if (name === undefined) {
    const group = Object.keys(COMMANDS).filter((n) => n.startsWith(`${argv[0]} `));
    if (argv.length === 0 || (help && argv[0]?.startsWith('-'))) {
      console.log(USAGE);
      return 0;
    }
    if (group.length > 0) {
      (help ? console.log : console.error)(`Usage:\n${usage(group)}`);
      return help ? 0 : 2;
    }
    console.error(`allmende: unknown command ${JSON.stringify(argv[0])}\n\n${USAGE}`);
    return 2;
  }
  if (help) {
    console.log(`Usage:\n${usage([name])}`);
    return 0;
  }
  const command = COMMANDS[name]!;
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(name.split(' ').length),
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    const [min, max] =
      typeof command.args === 'number' ? [command.args, command.args] : command.args;
    if (positionals.length < min || positionals.length > max) {
      throw new CliError(
        'CLI_USAGE',
        `allmende ${name} takes ${min === max ? min || 'no' : `${min} to ${max}`} argument${max === 1 ? '' : 's'}`,
      );
    }
    return await command.run(values, positionals);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof CliError && code === 'CLI_USAGE') {
      console.error(`allmende: ${error.message}\n\nUsage:\n${usage([name])}`);
      return 2;
    }
    if (typeof code === 'string' && PARSE_ERRORS.includes(code)) {
      console.error(`allmende: ${(error as Error).message}\n\nUsage:\n${usage([name])}`);
      return 2;
    }
    if (error instanceof CliError) {
      console.error(`allmende: ${error.message}`);
      return EXIT_CODES[error.code];
    }
    // The server's AppError, by name: importing the server to check would slow every command.
    if (
      error instanceof SshSignError ||
      (error instanceof Error && (error.name === 'AppError' || error.name === 'AgentError'))
    ) {
      console.error(`allmende: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
