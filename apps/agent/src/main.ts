import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_AGENT_DIR, readAgentConfig } from './agent-dir.ts';
import { AgentError } from './agent-error.ts';
import { attest } from './attest.ts';
import { enroll, refreshKrl } from './enroll.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
export type AgentValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The agent's sub-commands, as `allmende-agent …` and `allmende agent …` run them. */
export type AgentCommand = {
  synopsis: string;
  summary: string;
  options: Options;
  args: number;
  run(values: AgentValues, args: string[]): Promise<number>;
};

const DIR = { dir: { type: 'string' } } as const;

const text = (values: AgentValues, name: string) => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};
const texts = (values: AgentValues, name: string) => {
  const value = values[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
};

export const AGENT_COMMANDS: Record<string, AgentCommand> = {
  enroll: {
    synopsis:
      'enroll URL --host NAME --token T [--login root]… [--dir D] [--drop-in P] [--sshd-config P] [--sshd P] [--sshd-pid-file P]',
    summary:
      'enrol this host: its key, the CA key and KRL, an sshd drop-in that forces the recorder (checked with sshd -t), host.enrolled',
    options: {
      ...DIR,
      host: { type: 'string' },
      token: { type: 'string' },
      login: { type: 'string', multiple: true },
      'drop-in': { type: 'string' },
      'sshd-config': { type: 'string' },
      sshd: { type: 'string' },
      'sshd-pid-file': { type: 'string' },
      'ca-url': { type: 'string' },
      'krl-url': { type: 'string' },
    },
    args: 1,
    async run(values, [server = '']) {
      const host = text(values, 'host');
      const token = text(values, 'token');
      if (!host || !token)
        throw new AgentError('AGENT_BAD_INPUT', '--host and --token are required');
      const logins = texts(values, 'login');
      const result = await enroll({
        server,
        host,
        token,
        dir: text(values, 'dir') ?? DEFAULT_AGENT_DIR,
        logins: logins.length > 0 ? logins : ['root'],
        dropIn: text(values, 'drop-in'),
        sshdConfig: text(values, 'sshd-config'),
        sshd: text(values, 'sshd'),
        sshdPidFile: text(values, 'sshd-pid-file'),
        caUrl: text(values, 'ca-url'),
        krlUrl: text(values, 'krl-url'),
      });
      console.log(`enrolled ${result.host} (log entry ${result.index})`);
      for (const file of result.installed) console.log(`  ${file.digest}  ${file.path}`);
      if (!result.reloaded)
        console.log('sshd is not running: the configuration applies at its next start');
      return 0;
    },
  },
  attest: {
    synopsis: 'attest [--dir D]',
    summary:
      'send digests of sshd, sudoers, authorized_keys, the agent and the packages (host.attested)',
    options: DIR,
    args: 0,
    async run(values) {
      const result = await attest(text(values, 'dir') ?? DEFAULT_AGENT_DIR);
      printAttestation(result);
      return 0;
    },
  },
  run: {
    synopsis: 'run [--dir D] [--interval SECONDS]',
    summary: 'keep the KRL fresh and attest regularly (every 15 minutes by default)',
    options: { ...DIR, interval: { type: 'string' } },
    args: 0,
    async run(values) {
      const dir = text(values, 'dir') ?? DEFAULT_AGENT_DIR;
      const seconds = Number(text(values, 'interval') ?? '900');
      if (!Number.isInteger(seconds) || seconds < 10 || seconds > 86_400) {
        throw new AgentError('AGENT_BAD_INPUT', '--interval is 10 to 86400 seconds');
      }
      for (;;) {
        try {
          const config = await readAgentConfig(dir);
          if (await refreshKrl(config, dir))
            console.log(`${new Date().toISOString()} new KRL installed`);
          printAttestation(await attest(dir));
        } catch (error) {
          if (!(error instanceof AgentError) || error.code === 'AGENT_NOT_ENROLLED') throw error;
          console.error(`${new Date().toISOString()} ${error.message}`);
        }
        await sleep(seconds * 1000);
      }
    },
  },
};

function printAttestation(result: {
  index: number;
  changed: string[];
  unexplained: boolean;
  ticket: number | null;
}) {
  console.log(`attested (log entry ${result.index}): ${result.changed.length} changed`);
  for (const path of result.changed) console.log(`  changed ${path}`);
  if (result.unexplained) console.log(`no recorded session explains it: ticket #${result.ticket}`);
}

/** `allmende-agent SUBCOMMAND …`; returns the exit code. */
export async function runAgent(argv: string[]): Promise<number> {
  const [name = '', ...rest] = argv;
  const command = AGENT_COMMANDS[name];
  if (!command) {
    const usage = Object.values(AGENT_COMMANDS).map(
      (c) => `  allmende-agent ${c.synopsis}\n      ${c.summary}`,
    );
    console.error(`Usage:\n${usage.join('\n')}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
    });
    if (positionals.length !== command.args) {
      throw new AgentError('AGENT_BAD_INPUT', `allmende-agent ${command.synopsis}`);
    }
    return await command.run(values, positionals);
  } catch (error) {
    console.error(`allmende-agent: ${(error as Error).message}`);
    return error instanceof AgentError && error.code === 'AGENT_BAD_INPUT' ? 2 : 1;
  }
}
