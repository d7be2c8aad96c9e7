import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  fingerprint,
  formatSignature,
  MAX_ARMORED_SIGNATURE,
  parsePublicKey,
  signedDataFor,
  SshError,
  verifySignature,
  type SshPublicKey,
} from '@allmende/ssh';
import {
  agentSocketFromEnvironment,
  printable,
  SshAgentClient,
  type AgentIdentity,
  type SshAgentOptions,
} from './agent.ts';
import { SshSignError } from './sign-error.ts';

// SSHSIG signatures (OpenSSH PROTOCOL.sshsig) with the member's own key: through the SSH agent
// when it holds the key, else with `ssh-keygen -Y sign` on the private key file, which may ask
// for the passphrase on the terminal. Whichever made it, a signature is verified before it is
// returned.

/** What to sign, in which namespace, and with which key. */
export type SignWithSshOptions = {
  /** The message; its SHA-512 digest is signed (PROTOCOL.sshsig §3). */
  message: Uint8Array;
  /** The SSHSIG namespace, one per cooperative (DESIGN.md, "Keys"). */
  namespace: string;
  /**
   * The key: a private key file, its `.pub` file (a path ending in `.pub`), or a fingerprint
   * `SHA256:…`. Without it, the only ssh-ed25519 key in the agent.
   */
  key?: string;
  /** The agent: its socket (`SSH_AUTH_SOCK` by default) and timeouts; `false` for none. */
  agent?: SshAgentOptions | false;
};

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const MAX_KEY_FILE = 64 * 1024;
const MAX_KEYGEN_OUTPUT = 64 * 1024;

/** The key that `key` names, as far as can be told without the agent. */
type KeyChoice =
  | { kind: 'only' }
  | { kind: 'fingerprint'; fingerprint: string }
  | { kind: 'file'; name: string; publicKey?: SshPublicKey; privateKeyPath?: string };

/**
 * Signs `message` in `namespace` with the member's SSH key and returns the armoured SSHSIG
 * signature, byte for byte as `ssh-keygen -Y sign` writes it (SHA-512).
 *
 * With an agent, the key is the one `key` names, or the only ssh-ed25519 key in the agent.
 * `ssh-keygen -Y sign -f KEY` is the fallback when there is no agent, when it cannot be reached,
 * or when `key` names a private key file whose key the agent does not hold; the message goes to
 * ssh-keygen in a private temporary file, so that ssh-keygen keeps the terminal for a passphrase.
 * The result is verified before it is returned.
 *
 * @throws {SshSignError} SSH_SIGN_BAD_ARGUMENT for a message that is not bytes or a namespace
 *   that is empty; SSH_SIGN_BAD_KEY for a key file that is missing, malformed or not ssh-ed25519;
 *   SSH_SIGN_NO_KEY if no key fits; SSH_SIGN_AMBIGUOUS_KEY if several do and none is named (the
 *   message lists them); the agent's errors (SSH_SIGN_AGENT_*); SSH_SIGN_KEYGEN_FAILED; and
 *   SSH_SIGN_BAD_SIGNATURE if the signature made does not verify.
 */
export async function signWithSsh(options: SignWithSshOptions): Promise<string> {
  const { message, namespace, key, agent } = options;
  let signedData: Uint8Array;
  try {
    signedData = await signedDataFor(message, namespace, 'sha512');
  } catch (error) {
    const problem = error instanceof SshError ? error.message : String(error);
    throw new SshSignError('SSH_SIGN_BAD_ARGUMENT', problem, { cause: error });
  }
  const choice = await chooseKey(key);
  const socketPath =
    agent === false ? undefined : (agent?.socketPath ?? agentSocketFromEnvironment());

  let reachableAgent: string | undefined;
  if (socketPath !== undefined && socketPath !== '') {
    const client = new SshAgentClient({ ...agent, socketPath });
    let identities: AgentIdentity[] | undefined;
    try {
      identities = await client.listIdentities();
      reachableAgent = socketPath;
    } catch (error) {
      // A stale SSH_AUTH_SOCK need not stop a member who named their key file.
      const fallback =
        error instanceof SshSignError &&
        error.code === 'SSH_SIGN_AGENT_UNAVAILABLE' &&
        choice.kind === 'file' &&
        choice.privateKeyPath !== undefined;
      if (!fallback) throw error;
    }
    if (identities !== undefined) {
      const publicKey = await pickIdentity(identities, choice);
      if (publicKey !== undefined) {
        const signature = await client.sign(publicKey, signedData);
        return verified(
          () => formatSignature({ publicKey, namespace, hashAlgorithm: 'sha512', signature }),
          message,
          namespace,
          publicKey,
        );
      }
    }
  }

  if (choice.kind !== 'file') {
    const noAgent =
      agent === false
        ? 'no SSH agent is to be used'
        : 'there is no SSH agent (SSH_AUTH_SOCK is not set)';
    throw new SshSignError(
      'SSH_SIGN_NO_KEY',
      choice.kind === 'only'
        ? `${noAgent}: name your key file instead, such as ~/.ssh/id_ed25519`
        : `${choice.fingerprint} names a key in an SSH agent, but ${noAgent}: name the key file instead`,
    );
  }
  if (choice.privateKeyPath === undefined) {
    throw new SshSignError(
      'SSH_SIGN_NO_KEY',
      `${choice.name}: the key is not in the SSH agent, and there is no private key file beside it`,
    );
  }
  const armored = await signWithKeygen(choice.privateKeyPath, message, namespace, reachableAgent);
  return verified(() => armored, message, namespace, choice.publicKey);
}

async function chooseKey(key: string | undefined): Promise<KeyChoice> {
  if (key === undefined) return { kind: 'only' };
  if (typeof key !== 'string' || key === '') {
    throw new SshSignError(
      'SSH_SIGN_BAD_ARGUMENT',
      'a key is a file path or a SHA256: fingerprint',
    );
  }
  if (FINGERPRINT.test(key)) return { kind: 'fingerprint', fingerprint: key };
  if (key.endsWith('.pub')) {
    const privateKeyPath = key.slice(0, -'.pub'.length);
    return {
      kind: 'file',
      name: key,
      publicKey: await readPublicKey(key),
      privateKeyPath: (await isFile(privateKeyPath)) ? resolve(privateKeyPath) : undefined,
    };
  }
  if (!(await isFile(key))) {
    throw new SshSignError(
      'SSH_SIGN_BAD_KEY',
      `${key}: no such key file (name a private key file, its .pub file, or a SHA256: fingerprint)`,
    );
  }
  const publicKeyPath = `${key}.pub`;
  return {
    kind: 'file',
    name: key,
    publicKey: (await isFile(publicKeyPath)) ? await readPublicKey(publicKeyPath) : undefined,
    privateKeyPath: resolve(key),
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readPublicKey(path: string): Promise<SshPublicKey> {
  let text: string;
  try {
    if ((await stat(path)).size > MAX_KEY_FILE) {
      throw new Error(`larger than ${MAX_KEY_FILE} bytes`);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SshSignError(
      'SSH_SIGN_BAD_KEY',
      `${path}: cannot read the public key (${(error as Error).message})`,
      { cause: error },
    );
  }
  try {
    return parsePublicKey(text);
  } catch (error) {
    throw new SshSignError('SSH_SIGN_BAD_KEY', `${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The agent's key that `choice` names; undefined when a key file's key is not in the agent. */
async function pickIdentity(
  identities: readonly AgentIdentity[],
  choice: KeyChoice,
): Promise<SshPublicKey | undefined> {
  const keys = new Map<string, AgentIdentity>();
  for (const identity of identities) {
    const print = await fingerprint(identity.publicKey);
    if (!keys.has(print)) keys.set(print, identity);
  }
  const listing = () =>
    [...keys].map(([print, { comment }]) => `\n  ${print}  ${printable(comment)}`).join('');

  switch (choice.kind) {
    case 'only': {
      const [only, ...others] = keys.values();
      if (only === undefined) {
        throw new SshSignError(
          'SSH_SIGN_NO_KEY',
          'the SSH agent holds no ssh-ed25519 key: add yours with ssh-add, or name its key file',
        );
      }
      if (others.length > 0) {
        throw new SshSignError(
          'SSH_SIGN_AMBIGUOUS_KEY',
          `the SSH agent holds ${keys.size} ssh-ed25519 keys; name the one to sign with by its fingerprint or key file:${listing()}`,
        );
      }
      return only.publicKey;
    }
    case 'fingerprint': {
      const found = keys.get(choice.fingerprint);
      if (found === undefined) {
        throw new SshSignError(
          'SSH_SIGN_NO_KEY',
          `the SSH agent holds no ssh-ed25519 key ${choice.fingerprint}` +
            (keys.size > 0 ? `; it holds:${listing()}` : ''),
        );
      }
      return found.publicKey;
    }
    case 'file': {
      if (choice.publicKey === undefined) return undefined;
      return keys.get(await fingerprint(choice.publicKey))?.publicKey;
    }
  }
}

/**
 * `ssh-keygen -Y sign -f KEY -n NAMESPACE FILE`: the message is in FILE, in a temporary folder
 * only this user can read, so that ssh-keygen's standard input can stay the terminal, where it
 * asks for the passphrase. Nothing secret is on the command line.
 */
async function signWithKeygen(
  privateKeyPath: string,
  message: Uint8Array,
  namespace: string,
  agentSocket: string | undefined,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-sign-'));
  try {
    const file = join(dir, 'message');
    await writeFile(file, message, { mode: 0o600, flag: 'wx' });
    // ssh-keygen asks the agent first if it holds the key; let it ask the one chosen here.
    const env = { ...process.env };
    if (agentSocket === undefined) delete env.SSH_AUTH_SOCK;
    else env.SSH_AUTH_SOCK = agentSocket;
    const { code, stderr } = await run(
      'ssh-keygen',
      ['-Y', 'sign', '-f', privateKeyPath, '-n', namespace, file],
      env,
    );
    if (code !== 0) {
      const said = stderr
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('Signing file'))
        .join('; ');
      throw new SshSignError(
        'SSH_SIGN_KEYGEN_FAILED',
        `ssh-keygen -Y sign -f ${privateKeyPath} failed${said === '' ? '' : `: ${said}`}`,
      );
    }
    const signatureFile = `${file}.sig`;
    if ((await stat(signatureFile)).size > MAX_ARMORED_SIGNATURE) {
      throw new SshSignError('SSH_SIGN_KEYGEN_FAILED', 'ssh-keygen wrote an oversized signature');
    }
    return await readFile(signatureFile, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: [process.stdin.isTTY ? 'inherit' : 'ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_KEYGEN_OUTPUT) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SshSignError(
          'SSH_SIGN_KEYGEN_FAILED',
          error.code === 'ENOENT'
            ? `${command} was not found: install the OpenSSH client tools`
            : `${command} could not be run (${error.message})`,
          { cause: error },
        ),
      ),
    );
    child.on('close', (code, signal) =>
      resolvePromise({ code: code ?? (signal ? 128 : 1), stderr }),
    );
  });
}

/** The signature, once it verifies: a broken agent or tool must not hand out a bad one. */
async function verified(
  makeSignature: () => string,
  message: Uint8Array,
  namespace: string,
  publicKey: SshPublicKey | undefined,
): Promise<string> {
  let armored: string;
  try {
    armored = makeSignature();
    await verifySignature({ armored, message, namespace, publicKey });
  } catch (error) {
    const unsupported = error instanceof SshError && error.code === 'SSH_UNSUPPORTED';
    throw new SshSignError(
      unsupported ? 'SSH_SIGN_BAD_KEY' : 'SSH_SIGN_BAD_SIGNATURE',
      `the signature made does not verify, so it was not used: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return armored;
}
