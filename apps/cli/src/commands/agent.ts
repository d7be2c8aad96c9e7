import { AGENT_COMMANDS } from '@allmende/agent';
import type { Command } from '../cli.ts';

/** `allmende agent enroll|attest|run`: the host agent's own commands (apps/agent). */
export const AGENT_CLI_COMMANDS: Record<string, Command> = Object.fromEntries(
  Object.entries(AGENT_COMMANDS).map(([name, command]) => [
    `agent ${name}`,
    {
      synopsis: `agent ${command.synopsis}`,
      summary: command.summary,
      options: command.options,
      args: command.args,
      run: (values, args) => command.run(values, args),
    },
  ]),
);
