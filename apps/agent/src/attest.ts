import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MAX_ATTESTED_FILES,
  type AttestedFile,
  type AttestedKind,
  type ServerMessage,
} from '@allmende/protocol';
import { agentFiles, readAgentConfig, type AgentConfig } from './agent-dir.ts';
import { AgentError } from './agent-error.ts';
import { ServerChannel } from './channel.ts';
import { sha256 } from './enroll.ts';
import { readHostKey } from './host-key.ts';

const AGENT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ATTEST_MS = 30_000;

/**
 * The digests an attestation reports: sshd's configuration (the main file and every drop-in),
 * sudoers, every authorized_keys, the agent's own files and the package list. A path that
 * cannot be read is left out; its going is then a change.
 */
export async function collectAttestation(
  config: AgentConfig,
  dir: string,
): Promise<AttestedFile[]> {
  const found = new Map<string, AttestedKind>();
  const add = (kind: AttestedKind, path: string) => found.set(path, kind);
  add('sshd', config.sshdConfig);
  for (const path of await filesIn(dirname(config.dropIn))) add('sshd', path);
  for (const root of config.attest.sudoers)
    for (const path of await filesUnder(root)) add('sudoers', path);
  for (const root of config.attest.authorizedKeys) {
    const homes = basename(root) === '.ssh' ? [dirname(root)] : await dirsIn(root);
    for (const home of homes) {
      for (const name of ['authorized_keys', 'authorized_keys2'])
        add('authorized-keys', join(home, '.ssh', name));
    }
  }
  const files = agentFiles(dir);
  for (const path of [files.config, files.hostKeyPub, files.ca, files.krl]) add('agent', path);
  for (const path of await filesIn(files.principals)) add('agent', path);
  for (const sub of ['bin', 'src']) {
    for (const path of await filesIn(join(AGENT_ROOT, sub))) add('agent', path);
  }
  if (config.attest.packages) add('packages', config.attest.packages);

  const digests: AttestedFile[] = [];
  for (const [path, kind] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const data = await readFile(path).catch(() => undefined);
    if (data !== undefined) digests.push({ kind, path, digest: sha256(data) });
  }
  // The recorder's compile cache is code it runs: one digest over all its files.
  const cache = await treeDigest(files.compileCache);
  if (cache !== undefined)
    digests.push({ kind: 'agent', path: `${files.compileCache}/`, digest: cache });
  return digests.slice(0, MAX_ATTESTED_FILES);
}

/**
 * Sends one attestation over the host's channel; the server appends `host.attested`.
 * @throws {AgentError} when the server cannot be reached or refuses
 */
export async function attest(dir: string): Promise<Extract<ServerMessage, { t: 'attested' }>> {
  const config = await readAgentConfig(dir);
  const key = await readHostKey(agentFiles(dir).hostKey);
  const files = await collectAttestation(config, dir);
  const channel = await ServerChannel.connect({
    server: config.server,
    host: config.host,
    origin: config.origin,
    key,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new AgentError('AGENT_SERVER_UNREACHABLE', 'the server did not answer the attestation'),
          ),
        ATTEST_MS,
      );
      channel.onMessage((message) => {
        if (message.t === 'attested') {
          clearTimeout(timer);
          resolve(message);
        } else if (message.t === 'error') {
          clearTimeout(timer);
          reject(new AgentError('AGENT_SERVER_REFUSED', `${message.message} (${message.code})`));
        }
      });
      channel.onClose((why) => {
        clearTimeout(timer);
        reject(new AgentError('AGENT_SERVER_UNREACHABLE', why));
      });
      channel.send({ t: 'attest', files });
    });
  } finally {
    channel.close();
  }
}

/** SHA-256 over the sorted lines `path NUL sha256(file) LF` of every file under `dir`. */
async function treeDigest(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (files.length === 0) return undefined;
  const lines: string[] = [];
  for (const path of files) {
    const data = await readFile(path).catch(() => undefined);
    if (data !== undefined) lines.push(`${relative(dir, path)}\0${sha256(data)}\n`);
  }
  return sha256(lines.join(''));
}

async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(dir, e.name));
}

async function dirsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
}

/** A file itself, or the files of a directory (sudoers.d is flat). */
async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [path];
  return info.isDirectory() ? filesIn(path) : [path];
}
