import { mkdir, readFile, writeFile, rename, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HostName, Login } from '@allmende/protocol';
import { z } from 'zod';
import { AgentError } from './agent-error.ts';

/** Where the agent keeps its key and what it installed, unless told otherwise. */
export const DEFAULT_AGENT_DIR = '/etc/allmende-agent';
export const DEFAULT_DROP_IN = '/etc/ssh/sshd_config.d/allmende.conf';
export const DEFAULT_SSHD_CONFIG = '/etc/ssh/sshd_config';
export const DEFAULT_SSHD = '/usr/sbin/sshd';
export const DEFAULT_SSHD_PID_FILE = '/run/sshd.pid';

/** The agent's settings, written at enrolment to `agent.json` in its folder. */
export const AgentConfig = z.strictObject({
  /** The cooperative's server (its web address). */
  server: z.url({ protocol: /^https?$/ }),
  origin: z.string().min(1),
  host: HostName,
  logins: z.array(Login).min(1),
  /** The main sshd_config that `sshd -t -f` checks, and the drop-in the agent writes. */
  sshdConfig: z.string().min(1),
  dropIn: z.string().min(1),
  sshd: z.string().min(1),
  /** sshd's PID file: a reload is SIGHUP to that process. */
  sshdPidFile: z.string().min(1),
  caUrl: z.url(),
  krlUrl: z.url(),
  /** What sshd forces for every guarded login: the program and its arguments. */
  recorder: z.array(z.string().min(1)).min(1),
  /** Where `agent attest` looks, besides sshd's configuration and the agent's own files. */
  attest: z
    .strictObject({
      sudoers: z.array(z.string()),
      authorizedKeys: z.array(z.string()),
      packages: z.string().nullable(),
    })
    .default({
      sudoers: ['/etc/sudoers', '/etc/sudoers.d'],
      authorizedKeys: ['/root/.ssh', '/home'],
      packages: '/var/lib/dpkg/status',
    }),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

/** The files of an agent folder. */
export function agentFiles(dir: string) {
  return {
    config: join(dir, 'agent.json'),
    hostKey: join(dir, 'host-key'),
    hostKeyPub: join(dir, 'host-key.pub'),
    ca: join(dir, 'ca.pub'),
    krl: join(dir, 'revoked.krl'),
    principals: join(dir, 'principals'),
    /** Node's compile cache of root's recorder (bin/allmende-recorder.js). */
    compileCache: join(dir, 'compile-cache'),
  };
}

/** @throws {AgentError} AGENT_NOT_ENROLLED when the folder has no valid agent.json */
export async function readAgentConfig(dir: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(agentFiles(dir).config, 'utf8');
  } catch (error) {
    throw new AgentError(
      'AGENT_NOT_ENROLLED',
      `no agent is enrolled in ${dir}: run allmende agent enroll`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentError('AGENT_NOT_ENROLLED', `${agentFiles(dir).config} is not JSON`, {
      cause: error,
    });
  }
  const parsed = AgentConfig.safeParse(value);
  if (!parsed.success) {
    throw new AgentError(
      'AGENT_NOT_ENROLLED',
      `${agentFiles(dir).config} is invalid: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Writes a file whole or not at all (a temporary file renamed over it), with `mode`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644) {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}
