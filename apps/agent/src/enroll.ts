import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CoopInfo,
  EnrolmentReceipt,
  ErrorBody,
  HostName,
  Login,
  type FileDigest,
} from '@allmende/protocol';
import { formatPublicKey, parsePublicKey } from '@allmende/ssh';
import type { z } from 'zod';
import {
  agentFiles,
  DEFAULT_DROP_IN,
  DEFAULT_SSHD,
  DEFAULT_SSHD_CONFIG,
  DEFAULT_SSHD_PID_FILE,
  writeFileAtomic,
  type AgentConfig,
} from './agent-dir.ts';
import { AgentError } from './agent-error.ts';
import { generateHostKey, readHostKey, signAsHost } from './host-key.ts';

const run = promisify(execFile);

/** The first bytes of every OpenSSH KRL (PROTOCOL.krl, "KRL_MAGIC"). */
const KRL_MAGIC = Buffer.from('SSHKRL\n\0', 'latin1');
const MAX_DOWNLOAD = 16 * 1024 * 1024;

export const RECORDER_SCRIPT = fileURLToPath(
  new URL('../bin/allmende-recorder.js', import.meta.url),
);

export type EnrolOptions = {
  server: string;
  host: string;
  token: string;
  dir: string;
  logins: string[];
  dropIn?: string;
  sshdConfig?: string;
  sshd?: string;
  sshdPidFile?: string;
  /** Where the CA key and the KRL come from; by default the server's /api/access/ca and /krl. */
  caUrl?: string;
  krlUrl?: string;
  /** The forced command; by default this Node and allmende-recorder. */
  recorder?: string[];
};

export type EnrolResult = {
  host: string;
  index: number;
  installed: FileDigest[];
  reloaded: boolean;
};

/**
 * Enrols this host: makes its key, fetches the cooperative's CA key and KRL, writes an sshd
 * drop-in that lets only the CA's certificates into the guarded logins and forces every such
 * login through the recorder, checks the whole configuration with `sshd -t` (a failing check
 * puts the old drop-in back), reloads sshd, and reports to the server, which appends
 * `host.enrolled`.
 * @throws {AgentError} for every step that fails; nothing of sshd's changes when the check fails.
 */
export async function enroll(options: EnrolOptions): Promise<EnrolResult> {
  const host = parseWith(HostName, options.host, 'the host name');
  const logins = options.logins.map((l) => parseWith(Login, l, 'a login'));
  if (logins.length === 0) throw new AgentError('AGENT_BAD_INPUT', 'name at least one --login');
  const server = new URL(options.server).origin;
  const dir = resolve(options.dir);
  const files = agentFiles(dir);
  const config: AgentConfig = {
    server,
    origin: '',
    host,
    logins,
    sshdConfig: options.sshdConfig ?? DEFAULT_SSHD_CONFIG,
    dropIn: options.dropIn ?? DEFAULT_DROP_IN,
    sshd: options.sshd ?? DEFAULT_SSHD,
    sshdPidFile: options.sshdPidFile ?? DEFAULT_SSHD_PID_FILE,
    caUrl: options.caUrl ?? `${server}/api/access/ca`,
    krlUrl: options.krlUrl ?? `${server}/api/access/krl`,
    recorder: options.recorder ?? [process.execPath, RECORDER_SCRIPT],
    attest: {
      sudoers: ['/etc/sudoers', '/etc/sudoers.d'],
      authorizedKeys: ['/root/.ssh', '/home'],
      packages: '/var/lib/dpkg/status',
    },
  };

  const coop = CoopInfo.parse(
    JSON.parse(new TextDecoder().decode(await download(`${server}/api/coop`))),
  );
  config.origin = coop.origin;
  const ca = caKeyLine(await download(config.caUrl));
  const krl = await download(config.krlUrl);
  if (!Buffer.from(krl.subarray(0, KRL_MAGIC.length)).equals(KRL_MAGIC)) {
    throw new AgentError('AGENT_BAD_REPLY', `${config.krlUrl} did not answer with an OpenSSH KRL`);
  }

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = await readHostKey(files.hostKey).catch(async () => {
    const made = generateHostKey();
    await writeFileAtomic(files.hostKey, made.pem, 0o600);
    await writeFileAtomic(files.hostKeyPub, `${made.key.publicKeyLine} ${host}\n`, 0o644);
    return made.key;
  });
  const installed: [string, string | Uint8Array][] = [
    [files.ca, `${ca}\n`],
    [files.krl, krl],
    ...logins.map((login): [string, string] => [join(files.principals, login), `${login}\n`]),
  ];
  for (const [path, data] of installed) await writeFileAtomic(path, data, 0o644);
  const dropIn = dropInText(config, dir);
  await installDropIn(config, dropIn);
  const reloaded = await reloadSshd(config.sshdPidFile);
  await writeFileAtomic(files.config, `${JSON.stringify(config, null, 2)}\n`, 0o600);

  const digests: FileDigest[] = [
    [config.dropIn, dropIn] as [string, string | Uint8Array],
    ...installed,
  ].map(([path, data]) => ({ path, digest: sha256(data) }));
  const receipt = await post(
    `${server}/api/hosts/${encodeURIComponent(host)}/enrolment`,
    {
      token: options.token,
      hostKey: key.publicKeyLine,
      logins,
      installed: digests,
      proof: await signAsHost(key, options.token, coop.origin),
    },
    EnrolmentReceipt,
  );
  return { host, index: receipt.index, installed: digests, reloaded };
}

/**
 * The drop-in: for the guarded logins only certificates of the cooperative's CA (no
 * authorized_keys, no passwords), sshd's view of the authentication for the recorder, no
 * forwarding, no ~/.ssh/rc, and the recorder forced — whatever the certificate says.
 */
export function dropInText(config: AgentConfig, dir: string): string {
  const files = agentFiles(dir);
  const forced = [...config.recorder, '--agent-dir', dir].map(quoteForShell).join(' ');
  return [
    `# Written by allmende agent enroll for ${config.host} (${config.server}); host.enrolled`,
    '# in the public log holds its SHA-256, and attestation reports every change.',
    `Match User ${config.logins.join(',')}`,
    '\tAuthenticationMethods publickey',
    '\tPubkeyAuthentication yes',
    '\tPasswordAuthentication no',
    '\tKbdInteractiveAuthentication no',
    '\tAuthorizedKeysFile none',
    `\tTrustedUserCAKeys ${files.ca}`,
    `\tRevokedKeys ${files.krl}`,
    `\tAuthorizedPrincipalsFile ${files.principals}/%u`,
    '\tExposeAuthInfo yes',
    '\tDisableForwarding yes',
    '\tPermitUserRC no',
    '\tPermitTTY yes',
    `\tForceCommand ${forced}`,
    'Match all',
    '',
  ].join('\n');
}

/** sshd runs ForceCommand with the user's shell (-c): quote what could be split or expanded. */
function quoteForShell(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Writes the drop-in and checks the whole configuration; a failing check restores the old one. */
async function installDropIn(config: AgentConfig, text: string): Promise<void> {
  const previous = await readFile(config.dropIn).catch(() => undefined);
  await writeFileAtomic(config.dropIn, text, 0o644);
  try {
    await run(config.sshd, ['-t', '-f', config.sshdConfig]);
  } catch (error) {
    if (previous === undefined) await rm(config.dropIn, { force: true });
    else await writeFileAtomic(config.dropIn, previous, 0o644);
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new AgentError(
      'AGENT_SSHD_CHECK_FAILED',
      `sshd -t refused the configuration, which is left as it was: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

/** SIGHUP makes sshd read its configuration again; false if sshd is not running. */
async function reloadSshd(pidFile: string): Promise<boolean> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number.parseInt(text.trim(), 10);
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 'SIGHUP');
    return true;
  } catch {
    return false;
  }
}

/** Fetches the KRL again and puts it in place (sshd reads RevokedKeys at each login). */
export async function refreshKrl(config: AgentConfig, dir: string): Promise<boolean> {
  const krl = await download(config.krlUrl);
  if (!Buffer.from(krl.subarray(0, KRL_MAGIC.length)).equals(KRL_MAGIC)) {
    throw new AgentError('AGENT_BAD_REPLY', `${config.krlUrl} did not answer with an OpenSSH KRL`);
  }
  const path = agentFiles(dir).krl;
  const current = await readFile(path).catch(() => undefined);
  if (current && Buffer.from(krl).equals(current)) return false;
  await writeFileAtomic(path, krl, 0o644);
  return true;
}

function caKeyLine(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes).trim();
  try {
    return formatPublicKey({ ...parsePublicKey(text), comment: '' });
  } catch (error) {
    throw new AgentError(
      'AGENT_BAD_REPLY',
      `the CA key is not one ssh-ed25519 key line: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AgentError(
      'AGENT_BAD_INPUT',
      `${what} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetchOrFail(url, { redirect: 'error' });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_DOWNLOAD) throw new AgentError('AGENT_BAD_REPLY', `${url} is too large`);
  return bytes;
}

async function post<T>(url: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  const response = await fetchOrFail(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'error',
  });
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new AgentError('AGENT_BAD_REPLY', `unexpected answer from ${url}`);
  return parsed.data;
}

async function fetchOrFail(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new AgentError(
      'AGENT_SERVER_UNREACHABLE',
      `cannot reach ${url}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    const error = ErrorBody.safeParse(await response.json().catch(() => undefined));
    const why = error.success
      ? `${error.data.error.message} (${error.data.error.code})`
      : `${response.status}`;
    throw new AgentError('AGENT_SERVER_REFUSED', `${url}: ${why}`);
  }
  return response;
}
