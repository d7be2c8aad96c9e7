import { Policy, PolicyInfo } from '@allmende/protocol';
import { stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import { badInput, flag, JSON_OUTPUT, printJson, SERVER, STATEMENT, type Command } from '../cli.ts';
import { connect } from '../connection.ts';
import { parseDocument, readInput } from '../input.ts';
import { proposeStatement } from '../proposals.ts';

// TOML has no null: a policy without `oversight` means oversight by every member with an age
// recipient (null in the log), and `policy show` leaves it out in that case.

export const POLICY_COMMANDS: Record<string, Command> = {
  'policy show': {
    synopsis: 'policy show [--server URL] [--json]',
    summary: 'the current policy, as TOML that policy set reads back',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const { api } = await connect(values);
      const info = await api.get('/api/policies', PolicyInfo);
      if (flag(values, 'json')) {
        printJson(info);
        return 0;
      }
      process.stdout.write(formatPolicy(info.policy, info.setAt));
      return 0;
    },
  },
  'policy set': {
    synopsis: 'policy set FILE|- [--draft] [--server URL]',
    summary: 'propose a new policy (the whole policy, TOML or JSON); others must sign',
    options: STATEMENT,
    args: 1,
    async run(values, [file = '']) {
      const source = file === '-' ? 'standard input' : file;
      const policy = parsePolicy(parseDocument(await readInput(file), source), source);
      return proposeStatement(values, 'policy.set', () => ({ policy }));
    },
  },
};

export function formatPolicy(policy: Policy, setAt?: number): string {
  const { oversight, ...rest } = policy;
  const header = [
    setAt === undefined ? undefined : `# The policy set at log index ${setAt}.`,
    oversight === null
      ? '# oversight: every member with an age recipient (write oversight = ["handle", …] to name members)'
      : undefined,
    policy.witnesses === undefined || policy.witnesses.length === 0
      ? '# witnesses: none (add [[witnesses]] tables of name, url and key, as `allmende witness key` prints it, and witnessQuorum = K)'
      : undefined,
  ].filter((line) => line !== undefined);
  const body = stringifyToml(oversight === null ? rest : { oversight, ...rest });
  return `${header.join('\n')}${header.length > 0 ? '\n\n' : ''}${body}\n`;
}

/**
 * A whole policy from a document: the policy itself, or `{policy: …}` as `policy show --json`
 * prints it.
 * @throws {CliError} CLI_BAD_INPUT naming each invalid field.
 */
export function parsePolicy(document: unknown, source: string): Policy {
  let value = document;
  if (typeof value === 'object' && value !== null && 'policy' in value) value = value.policy;
  if (typeof value === 'object' && value !== null && !('oversight' in value)) {
    value = { ...value, oversight: null };
  }
  const parsed = Policy.safeParse(value);
  if (!parsed.success) {
    throw badInput(`${source} is not a valid policy:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
