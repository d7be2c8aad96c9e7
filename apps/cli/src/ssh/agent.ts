import { createConnection } from 'node:net';
import { parsePublicKeyBlob, SshError, type SshPublicKey } from '@allmende/ssh';
import { SshSignError } from './sign-error.ts';

// A client for the SSH agent protocol (draft-ietf-sshm-ssh-agent, formerly
// draft-miller-ssh-agent): one request per connection over the agent's Unix socket. Every
// reply comes from outside: its length is capped before anything is buffered, and every field
// is bounds-checked, so a broken agent yields an SshSignError, never a hang or a RangeError.

const SSH_AGENT_FAILURE = 5;
const SSH_AGENTC_REQUEST_IDENTITIES = 11;
const SSH_AGENT_IDENTITIES_ANSWER = 12;
const SSH_AGENTC_SIGN_REQUEST = 13;
const SSH_AGENT_SIGN_RESPONSE = 14;
// Failure codes of older agents, which OpenSSH's own client also reads as failure
// (authfd.c, agent_failed: SSH2_AGENT_FAILURE, SSH_COM_AGENT2_FAILURE).
const LEGACY_FAILURES: readonly number[] = [30, 102];

const SSH_ED25519 = 'ssh-ed25519';
const ED25519_SIGNATURE_SIZE = 64;

/** The largest agent message sent or accepted, as OpenSSH's agent caps it (AGENT_MAX_LEN). */
export const MAX_AGENT_MESSAGE = 256 * 1024;
/** How long listing the keys may take. */
export const DEFAULT_LIST_TIMEOUT_MS = 5_000;
/** How long signing may take: a hardware key behind the agent may wait for a touch. */
export const DEFAULT_SIGN_TIMEOUT_MS = 30_000;

/** A key that the agent holds. */
export type AgentIdentity = { publicKey: SshPublicKey; comment: string };

/** Where the agent is and how long to wait for it. */
export type SshAgentOptions = {
  /** The agent's Unix socket; `SSH_AUTH_SOCK` by default. */
  socketPath?: string;
  /** Milliseconds to wait for the list of keys; {@link DEFAULT_LIST_TIMEOUT_MS} by default. */
  listTimeoutMs?: number;
  /** Milliseconds to wait for a signature; {@link DEFAULT_SIGN_TIMEOUT_MS} by default. */
  signTimeoutMs?: number;
};

/** The agent socket that `SSH_AUTH_SOCK` names, or undefined if it is unset or empty. */
export function agentSocketFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const path = env.SSH_AUTH_SOCK;
  return path === undefined || path === '' ? undefined : path;
}

/** A client of one SSH agent; every call opens its own connection. */
export class SshAgentClient {
  readonly socketPath: string;
  readonly #listTimeoutMs: number;
  readonly #signTimeoutMs: number;

  /**
   * @throws {SshSignError} SSH_SIGN_AGENT_UNAVAILABLE if no socket is given and
   *   `SSH_AUTH_SOCK` is unset; SSH_SIGN_BAD_ARGUMENT for a timeout that is not a positive number.
   */
  constructor(options: SshAgentOptions = {}) {
    const socketPath = options.socketPath ?? agentSocketFromEnvironment();
    if (socketPath === undefined || socketPath === '') {
      throw new SshSignError(
        'SSH_SIGN_AGENT_UNAVAILABLE',
        'no SSH agent: SSH_AUTH_SOCK is not set (start one with `eval "$(ssh-agent)"` and `ssh-add`)',
      );
    }
    this.socketPath = socketPath;
    this.#listTimeoutMs = timeout(options.listTimeoutMs, DEFAULT_LIST_TIMEOUT_MS);
    this.#signTimeoutMs = timeout(options.signTimeoutMs, DEFAULT_SIGN_TIMEOUT_MS);
  }

  /**
   * The ssh-ed25519 keys the agent holds, in the agent's order (SSH_AGENTC_REQUEST_IDENTITIES,
   * draft-miller-ssh-agent §3.5). Other key types and certificates are skipped, not refused.
   *
   * @throws {SshSignError} SSH_SIGN_AGENT_UNAVAILABLE, SSH_SIGN_AGENT_TIMEOUT,
   *   SSH_SIGN_AGENT_REFUSED or SSH_SIGN_AGENT_BAD_REPLY.
   */
  async listIdentities(): Promise<AgentIdentity[]> {
    const reply = await this.#exchange(
      message(SSH_AGENTC_REQUEST_IDENTITIES),
      this.#listTimeoutMs,
      'list its keys',
    );
    const reader = new ReplyReader(reply);
    const type = reader.readByte('the message type');
    if (isFailure(type)) {
      throw new SshSignError('SSH_SIGN_AGENT_REFUSED', 'the SSH agent refused to list its keys');
    }
    if (type !== SSH_AGENT_IDENTITIES_ANSWER) {
      throw reader.error(`it answered message type ${type}, not the list of keys`);
    }
    const count = reader.readUint32('the number of keys');
    const identities: AgentIdentity[] = [];
    for (let i = 0; i < count; i++) {
      const blob = reader.readString(`key ${i + 1}`);
      const comment = new TextDecoder().decode(reader.readString(`the comment of key ${i + 1}`));
      let publicKey: SshPublicKey;
      try {
        publicKey = parsePublicKeyBlob(blob);
      } catch (error) {
        if (error instanceof SshError && error.code === 'SSH_UNSUPPORTED') continue;
        throw reader.error(`key ${i + 1} is malformed`, error);
      }
      identities.push({ publicKey, comment });
    }
    reader.expectEnd();
    return identities;
  }

  /**
   * The 64-byte Ed25519 signature of `data` by the agent's key `publicKey`
   * (SSH_AGENTC_SIGN_REQUEST with flags 0, draft-miller-ssh-agent §3.6). The signature is not
   * verified here; signWithSsh verifies the SSHSIG it builds from it.
   *
   * @throws {SshSignError} SSH_SIGN_BAD_ARGUMENT for a malformed key or data that does not fit
   *   in a message; SSH_SIGN_AGENT_UNAVAILABLE, SSH_SIGN_AGENT_TIMEOUT, SSH_SIGN_AGENT_REFUSED
   *   or SSH_SIGN_AGENT_BAD_REPLY (a signature that is not ssh-ed25519 or not 64 bytes).
   */
  async sign(publicKey: SshPublicKey, data: Uint8Array): Promise<Uint8Array> {
    let blob: Uint8Array;
    try {
      blob = parsePublicKeyBlob(publicKey.blob).blob;
    } catch (error) {
      throw new SshSignError('SSH_SIGN_BAD_ARGUMENT', 'the key to sign with is malformed', {
        cause: error,
      });
    }
    if (!(data instanceof Uint8Array)) {
      throw new SshSignError('SSH_SIGN_BAD_ARGUMENT', 'the data to sign must be a Uint8Array');
    }
    const reply = await this.#exchange(
      message(SSH_AGENTC_SIGN_REQUEST, string(blob), string(data), uint32(0)),
      this.#signTimeoutMs,
      'sign',
    );
    const reader = new ReplyReader(reply);
    const type = reader.readByte('the message type');
    if (isFailure(type)) {
      throw new SshSignError(
        'SSH_SIGN_AGENT_REFUSED',
        'the agent refused to sign: is the key still loaded? a hardware key waiting for a touch?',
      );
    }
    if (type !== SSH_AGENT_SIGN_RESPONSE) {
      throw reader.error(`it answered message type ${type}, not a signature`);
    }
    const signatureBlob = reader.readString('the signature');
    reader.expectEnd();
    // RFC 8709 §6: string "ssh-ed25519", string signature (64 bytes).
    const inner = new ReplyReader(signatureBlob);
    const algorithm = new TextDecoder().decode(inner.readString('the signature algorithm'));
    if (algorithm !== SSH_ED25519) {
      throw inner.error(`the signature is ${printable(algorithm)}, not ${SSH_ED25519}`);
    }
    const signature = inner.readString('the Ed25519 signature');
    if (signature.length !== ED25519_SIGNATURE_SIZE) {
      throw inner.error(`an Ed25519 signature is 64 bytes, not ${signature.length}`);
    }
    inner.expectEnd();
    return signature;
  }

  /** Sends one framed request and reads one framed reply, the frames' length prefixes removed. */
  #exchange(request: Uint8Array, timeoutMs: number, doing: string): Promise<Uint8Array> {
    const where = `the SSH agent at ${this.socketPath}`;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let length: number | undefined;
      let connected = false;
      let settled = false;

      const socket = createConnection({ path: this.socketPath });
      const timer = setTimeout(() => {
        const hint =
          doing === 'sign' ? ' — a hardware key waiting for a touch? a confirmation prompt?' : '';
        settle(
          new SshSignError(
            'SSH_SIGN_AGENT_TIMEOUT',
            `${where} did not ${doing} within ${seconds(timeoutMs)}${hint}`,
          ),
        );
      }, timeoutMs);

      function settle(result: Uint8Array | Error): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (result instanceof Error) reject(result);
        else resolve(result);
      }

      function badReply(problem: string, cause?: unknown): SshSignError {
        return new SshSignError('SSH_SIGN_AGENT_BAD_REPLY', `${where}: ${problem}`, { cause });
      }

      socket.on('connect', () => {
        connected = true;
        // No half-close: OpenSSH's agent drops a connection at end of input, reply or not.
        socket.write(request);
      });
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (length === undefined && received >= 4) {
          length = Buffer.concat(chunks).readUInt32BE(0);
          if (length === 0 || length > MAX_AGENT_MESSAGE) {
            settle(
              badReply(`it announced a reply of ${length} bytes (at most ${MAX_AGENT_MESSAGE})`),
            );
            return;
          }
        }
        if (length !== undefined && received >= 4 + length) {
          if (received > 4 + length) {
            settle(badReply('it sent more than one reply'));
            return;
          }
          settle(new Uint8Array(Buffer.concat(chunks).subarray(4)));
        }
      });
      socket.on('end', () => settle(badReply('it closed the connection without a full reply')));
      socket.on('close', () => settle(badReply('the connection closed without a full reply')));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (connected) {
          settle(badReply(`the connection failed (${error.code ?? error.message})`, error));
        } else {
          settle(
            new SshSignError(
              'SSH_SIGN_AGENT_UNAVAILABLE',
              `cannot reach ${where} (${error.code ?? error.message}): is ssh-agent running, and SSH_AUTH_SOCK current?`,
              { cause: error },
            ),
          );
        }
      });
    });
  }
}

function timeout(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new SshSignError(
      'SSH_SIGN_BAD_ARGUMENT',
      'a timeout is a positive number of milliseconds',
    );
  }
  return value;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function isFailure(type: number): boolean {
  return type === SSH_AGENT_FAILURE || LEGACY_FAILURES.includes(type);
}

/** Text from outside, shortened and with control and format characters replaced. */
export function printable(text: string): string {
  const shown = text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown);
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function string(bytes: Uint8Array): Uint8Array {
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** A framed agent message: uint32 length ‖ byte type ‖ contents (draft-miller-ssh-agent §3). */
function message(type: number, ...fields: Uint8Array[]): Uint8Array {
  const body = Buffer.concat([Uint8Array.of(type), ...fields]);
  if (body.length > MAX_AGENT_MESSAGE) {
    throw new SshSignError(
      'SSH_SIGN_BAD_ARGUMENT',
      `the request to the SSH agent would exceed ${MAX_AGENT_MESSAGE} bytes`,
    );
  }
  return new Uint8Array(Buffer.concat([uint32(body.length), body]));
}

/** Reads an agent reply front to back; every length is checked against what is left. */
class ReplyReader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  error(problem: string, cause?: unknown): SshSignError {
    return new SshSignError(
      'SSH_SIGN_AGENT_BAD_REPLY',
      `malformed reply from the SSH agent: ${problem}`,
      {
        cause,
      },
    );
  }

  readByte(field: string): number {
    if (this.#bytes.length - this.#offset < 1) throw this.error(`${field} is missing`);
    return this.#bytes[this.#offset++]!;
  }

  readUint32(field: string): number {
    if (this.#bytes.length - this.#offset < 4) throw this.error(`${field} is missing`);
    const value = new DataView(
      this.#bytes.buffer,
      this.#bytes.byteOffset + this.#offset,
      4,
    ).getUint32(0);
    this.#offset += 4;
    return value;
  }

  readString(field: string): Uint8Array {
    const length = this.readUint32(`the length of ${field}`);
    const left = this.#bytes.length - this.#offset;
    if (length > left) {
      throw this.error(`${field} is truncated (${length} bytes announced, ${left} left)`);
    }
    const bytes = this.#bytes.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return bytes;
  }

  expectEnd(): void {
    const left = this.#bytes.length - this.#offset;
    if (left !== 0) throw this.error(`${left} unexpected bytes at the end`);
  }
}
