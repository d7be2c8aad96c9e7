import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, parsePublicKey, type SshPublicKey } from '@allmende/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AGENT_MESSAGE, SshAgentClient } from '../src/ssh/agent.ts';
import { signWithSsh } from '../src/ssh/sign.ts';
import { SshSignError, type SshSignErrorCode } from '../src/ssh/sign-error.ts';

// The agent client and signWithSsh against OpenSSH's real ssh-agent, ssh-add and ssh-keygen,
// and against fake agents that misbehave. SSH_AUTH_SOCK of this process is never touched:
// every call names its socket.

const NAMESPACE = 'allmende@coop.example';
const MESSAGE = new TextEncoder().encode('I approve access request 42.\n');

type Run = { code: number; stdout: string; stderr: string };

function run(
  command: string,
  args: readonly string[],
  options: { input?: Uint8Array; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // ssh-keygen may exit before it reads its input: a closed pipe is not a test failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

type Key = { path: string; publicKey: SshPublicKey; line: string; fingerprint: string };

async function generateKey(dir: string, name: string, type: 'ed25519' | 'rsa'): Promise<Key> {
  const path = join(dir, name);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  const made = await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...bits,
    '-N',
    '',
    '-C',
    `${name}@test`,
    '-f',
    path,
  ]);
  expect(made.code, made.stderr).toBe(0);
  const line = (await readFile(`${path}.pub`, 'utf8')).trim();
  const listed = await run('ssh-keygen', ['-l', '-f', `${path}.pub`]);
  return {
    path,
    line,
    publicKey: type === 'ed25519' ? parsePublicKey(line) : (undefined as unknown as SshPublicKey),
    fingerprint: listed.stdout.split(' ')[1]!,
  };
}

async function startAgent(socketPath: string): Promise<ChildProcess> {
  const agent = spawn('ssh-agent', ['-D', '-a', socketPath], { stdio: 'ignore' });
  for (let i = 0; i < 250 && !existsSync(socketPath); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(existsSync(socketPath)).toBe(true);
  return agent;
}

async function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Whether `ssh-keygen -Y verify` accepts the signature for the member with `key`. */
async function sshKeygenAccepts(armored: string, key: Key, message = MESSAGE): Promise<boolean> {
  const allowedSigners = join(dir, 'allowed_signers');
  const signature = join(dir, 'message.sig');
  await writeFile(allowedSigners, `member ${key.line}\n`);
  await writeFile(signature, armored);
  const verified = await run(
    'ssh-keygen',
    ['-Y', 'verify', '-f', allowedSigners, '-I', 'member', '-n', NAMESPACE, '-s', signature],
    { input: message },
  );
  return verified.code === 0;
}

async function failure(promise: Promise<unknown>): Promise<SshSignError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SshSignError);
    return error as SshSignError;
  }
  throw new Error('expected an SshSignError, but it succeeded');
}

async function failsWith(
  promise: Promise<unknown>,
  code: SshSignErrorCode,
  message?: string | RegExp,
): Promise<void> {
  const error = await failure(promise);
  expect(error.code, error.message).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

// SSH wire encoding for the fake agents' replies (RFC 4251 §5).
function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
function str(value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  return Buffer.concat([u32(bytes.length), bytes]);
}
function frame(...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length), body]);
}
function identitiesAnswer(keys: { blob: Uint8Array; comment: string }[]): Buffer {
  return frame(
    Uint8Array.of(12),
    u32(keys.length),
    ...keys.flatMap((key) => [str(key.blob), str(key.comment)]),
  );
}
function blobOf(line: string): Uint8Array {
  return Buffer.from(line.split(' ')[1]!, 'base64');
}

type FakeAgent = { socketPath: string; requests: Buffer[] };

/**
 * A fake agent on a Unix socket: it reads each framed request and lets `reply` answer (or not)
 * on the socket.
 */
async function fakeAgent(reply: (request: Buffer, socket: Socket) => void): Promise<FakeAgent> {
  const socketPath = join(dir, `fake-${fakes.length}.sock`);
  const requests: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const request = buffered.subarray(4, 4 + buffered.readUInt32BE(0));
        buffered = Buffer.alloc(0);
        requests.push(request);
        reply(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  fakes.push({ server, sockets });
  return { socketPath, requests };
}

let dir: string;
let agent: ChildProcess;
let agentSocket: string;
let alice: Key;
let bob: Key;
let carol: Key;
let dave: Key;
const fakes: { server: Server; sockets: Set<Socket> }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-ssh-agent-'));
  [alice, bob, carol, dave] = await Promise.all([
    generateKey(dir, 'alice', 'ed25519'),
    generateKey(dir, 'bob', 'ed25519'),
    generateKey(dir, 'carol', 'rsa'),
    generateKey(dir, 'dave', 'ed25519'),
  ]);
  agentSocket = join(dir, 'agent.sock');
  agent = await startAgent(agentSocket);
  const env = { ...process.env, SSH_AUTH_SOCK: agentSocket };
  for (const key of [alice, bob, carol]) {
    const added = await run('ssh-add', ['-q', key.path], { env });
    expect(added.code, added.stderr).toBe(0);
  }
});

afterAll(async () => {
  await stopped(agent, 'SIGTERM');
  for (const { server, sockets } of fakes) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

describe('SshAgentClient with OpenSSH ssh-agent', () => {
  it('lists the ed25519 keys with the fingerprints ssh-keygen -l prints, skipping the RSA key', async () => {
    const identities = await new SshAgentClient({ socketPath: agentSocket }).listIdentities();
    const listed = await Promise.all(
      identities.map(async ({ publicKey, comment }) => [await fingerprint(publicKey), comment]),
    );
    expect(listed).toEqual([
      [alice.fingerprint, 'alice@test'],
      [bob.fingerprint, 'bob@test'],
    ]);
    expect(carol.line).toMatch(/^ssh-rsa /);
  });

  it('signs with Ed25519 (64 bytes), and the agent refuses a key it does not hold', async () => {
    const client = new SshAgentClient({ socketPath: agentSocket });
    expect(await client.sign(alice.publicKey, Uint8Array.of(1, 2, 3))).toHaveLength(64);
    await failsWith(
      client.sign(dave.publicKey, Uint8Array.of(1, 2, 3)),
      'SSH_SIGN_AGENT_REFUSED',
      /is the key still loaded\?/,
    );
  });

  it('says clearly when there is no agent at the socket', async () => {
    await failsWith(
      new SshAgentClient({ socketPath: join(dir, 'nowhere.sock') }).listIdentities(),
      'SSH_SIGN_AGENT_UNAVAILABLE',
      /cannot reach the SSH agent at .*nowhere\.sock \(ENOENT\)/,
    );
  });
});

describe('signWithSsh through the agent', () => {
  it('signs with the key named by fingerprint, and ssh-keygen -Y verify accepts it', async () => {
    for (const key of [alice, bob]) {
      const armored = await signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key: key.fingerprint,
        agent: { socketPath: agentSocket },
      });
      expect(armored).toMatch(/^-----BEGIN SSH SIGNATURE-----\n/);
      expect(await sshKeygenAccepts(armored, key)).toBe(true);
      expect(await sshKeygenAccepts(armored, key, new TextEncoder().encode('other'))).toBe(false);
    }
  });

  it('signs with the key named by its .pub file, even with no private key beside it', async () => {
    const onlyPublic = join(dir, 'only-public');
    await mkdir(onlyPublic);
    await copyFile(`${bob.path}.pub`, join(onlyPublic, 'bob.pub'));
    for (const key of [`${bob.path}.pub`, join(onlyPublic, 'bob.pub'), bob.path]) {
      const armored = await signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key,
        agent: { socketPath: agentSocket },
      });
      expect(await sshKeygenAccepts(armored, bob)).toBe(true);
      expect(await sshKeygenAccepts(armored, alice)).toBe(false);
    }
  });

  it('asks which key when the agent holds two, listing both with fingerprints', async () => {
    const error = await failure(
      signWithSsh({ message: MESSAGE, namespace: NAMESPACE, agent: { socketPath: agentSocket } }),
    );
    expect(error.code).toBe('SSH_SIGN_AMBIGUOUS_KEY');
    expect(error.message).toContain(alice.fingerprint);
    expect(error.message).toContain(bob.fingerprint);
    expect(error.message).toContain('"alice@test"');
    expect(error.message).not.toContain(carol.fingerprint);
  });

  it('uses the only ed25519 key without being told', async () => {
    const socketPath = join(dir, 'single.sock');
    const single = await startAgent(socketPath);
    try {
      const env = { ...process.env, SSH_AUTH_SOCK: socketPath };
      for (const key of [carol, alice]) {
        expect((await run('ssh-add', ['-q', key.path], { env })).code).toBe(0);
      }
      const armored = await signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        agent: { socketPath },
      });
      expect(await sshKeygenAccepts(armored, alice)).toBe(true);
    } finally {
      await stopped(single, 'SIGTERM');
    }
  });

  it('refuses a fingerprint the agent does not hold, listing what it holds', async () => {
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key: dave.fingerprint,
        agent: { socketPath: agentSocket },
      }),
      'SSH_SIGN_NO_KEY',
      new RegExp(
        `no ssh-ed25519 key ${dave.fingerprint.replace(/[+/]/g, '\\$&')}; it holds:\\n  ${alice.fingerprint.replace(/[+/]/g, '\\$&')}`,
      ),
    );
  });

  it('refuses an RSA key file before signing', async () => {
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key: carol.path,
        agent: { socketPath: agentSocket },
      }),
      'SSH_SIGN_BAD_KEY',
      /only ssh-ed25519 keys are accepted/,
    );
  });

  it('refuses a missing key file and a bad namespace', async () => {
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key: join(dir, 'missing'),
        agent: false,
      }),
      'SSH_SIGN_BAD_KEY',
      /no such key file/,
    );
    await failsWith(
      signWithSsh({ message: MESSAGE, namespace: '', agent: { socketPath: agentSocket } }),
      'SSH_SIGN_BAD_ARGUMENT',
    );
  });
});

describe('signWithSsh with ssh-keygen -Y sign', () => {
  it('falls back to the private key file when the agent does not hold the key', async () => {
    const armored = await signWithSsh({
      message: MESSAGE,
      namespace: NAMESPACE,
      key: dave.path,
      agent: { socketPath: agentSocket },
    });
    expect(await sshKeygenAccepts(armored, dave)).toBe(true);
    const identities = await new SshAgentClient({ socketPath: agentSocket }).listIdentities();
    expect(identities).toHaveLength(2);
  });

  it('signs with a key file without an agent, by private key or .pub path, and cleans up', async () => {
    for (const key of [dave.path, `${dave.path}.pub`]) {
      const armored = await signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        key,
        agent: false,
      });
      expect(await sshKeygenAccepts(armored, dave)).toBe(true);
    }
  });

  it('without an agent, asks for a key file rather than guessing', async () => {
    await failsWith(
      signWithSsh({ message: MESSAGE, namespace: NAMESPACE, agent: false }),
      'SSH_SIGN_NO_KEY',
      /no SSH agent is to be used: name your key file instead/,
    );
    await failsWith(
      signWithSsh({ message: MESSAGE, namespace: NAMESPACE, key: alice.fingerprint, agent: false }),
      'SSH_SIGN_NO_KEY',
      /name the key file instead/,
    );
  });

  it('reports what ssh-keygen says when it cannot sign', async () => {
    // Not an encrypted key: ssh-keygen would ask for its passphrase on the terminal, if any.
    const broken = join(dir, 'broken');
    await writeFile(broken, '-----BEGIN OPENSSH PRIVATE KEY-----\nnonsense\n', { mode: 0o600 });
    const error = await failure(
      signWithSsh({ message: MESSAGE, namespace: NAMESPACE, key: broken, agent: false }),
    );
    expect(error.code).toBe('SSH_SIGN_KEYGEN_FAILED');
    expect(error.message).toMatch(new RegExp(`^ssh-keygen -Y sign -f ${broken} failed: .+`));
  });
});

describe('a killed agent', () => {
  it('is a clear error, and a named key file still signs', async () => {
    const socketPath = join(dir, 'killed.sock');
    const doomed = await startAgent(socketPath);
    await stopped(doomed, 'SIGKILL');
    expect(existsSync(socketPath)).toBe(true);
    await failsWith(
      new SshAgentClient({ socketPath }).listIdentities(),
      'SSH_SIGN_AGENT_UNAVAILABLE',
      /cannot reach the SSH agent at .*killed\.sock \(ECONNREFUSED\): is ssh-agent running/,
    );
    for (const key of [undefined, alice.fingerprint]) {
      await failsWith(
        signWithSsh({ message: MESSAGE, namespace: NAMESPACE, key, agent: { socketPath } }),
        'SSH_SIGN_AGENT_UNAVAILABLE',
      );
    }
    const armored = await signWithSsh({
      message: MESSAGE,
      namespace: NAMESPACE,
      key: alice.path,
      agent: { socketPath },
    });
    expect(await sshKeygenAccepts(armored, alice)).toBe(true);
  });
});

describe('misbehaving agents', () => {
  const fast = { listTimeoutMs: 300, signTimeoutMs: 300 };

  it('parses a well-formed answer sent a byte at a time, skipping RSA keys and certificates', async () => {
    const certificate = Buffer.concat([str('ssh-ed25519-cert-v01@openssh.com'), str('nonce')]);
    const answer = identitiesAnswer([
      { blob: blobOf(carol.line), comment: 'rsa' },
      { blob: certificate, comment: 'certificate' },
      { blob: blobOf(alice.line), comment: 'ali\u001bce' },
    ]);
    const fake = await fakeAgent((_request, socket) => {
      for (const byte of answer) socket.write(Uint8Array.of(byte));
    });
    const identities = await new SshAgentClient({ socketPath: fake.socketPath }).listIdentities();
    expect(identities).toHaveLength(1);
    expect(await fingerprint(identities[0]!.publicKey)).toBe(alice.fingerprint);
    expect(identities[0]!.comment).toBe('ali\u001bce');
    expect(fake.requests).toEqual([Buffer.of(11)]);
  });

  it('sends a sign request with the key, the data and flags 0', async () => {
    const signature = Buffer.alloc(64, 7);
    const fake = await fakeAgent((_request, socket) => {
      socket.write(
        frame(Uint8Array.of(14), str(Buffer.concat([str('ssh-ed25519'), str(signature)]))),
      );
    });
    const data = Uint8Array.of(9, 8, 7);
    const signed = await new SshAgentClient({ socketPath: fake.socketPath }).sign(
      alice.publicKey,
      data,
    );
    expect(Buffer.from(signed)).toEqual(signature);
    expect(fake.requests).toEqual([
      Buffer.concat([Uint8Array.of(13), str(alice.publicKey.blob), str(data), u32(0)]),
    ]);
  });

  const misbehaviours: [
    string,
    (request: Buffer, socket: Socket) => void,
    SshSignErrorCode,
    RegExp,
  ][] = [
    [
      'answers text',
      (_r, s) => void s.write('hello, this is not an agent'),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /announced a reply of 1751477356 bytes/,
    ],
    [
      'answers garbage',
      (_r, s) => void s.write('\x00\x00\x00\x03garbage'),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /sent more than one reply/,
    ],
    [
      'answers a truncated list',
      (_r, s) => void s.write(frame(Uint8Array.of(12), u32(3), str('ssh-ed25519'))),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /malformed reply from the SSH agent: the length of the comment of key 1 is missing/,
    ],
    [
      'answers with trailing bytes',
      (_r, s) => void s.write(frame(Uint8Array.of(12), u32(0), Uint8Array.of(0))),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /1 unexpected bytes at the end/,
    ],
    [
      'answers a malformed ed25519 key',
      (_r, s) =>
        void s.write(
          identitiesAnswer([
            { blob: Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(31))]), comment: '' },
          ]),
        ),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /key 1 is malformed/,
    ],
    [
      'answers another message type',
      (_r, s) => void s.write(frame(Uint8Array.of(6))),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /message type 6/,
    ],
    [
      'announces an oversized reply',
      (_r, s) => void s.write(u32(MAX_AGENT_MESSAGE + 1)),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /announced a reply of 262145 bytes \(at most 262144\)/,
    ],
    [
      'announces a 4 GiB reply',
      (_r, s) => void s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 12])),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /4294967295 bytes/,
    ],
    [
      'announces an empty reply',
      (_r, s) => void s.write(u32(0)),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /a reply of 0 bytes/,
    ],
    [
      'hangs up',
      (_r, s) => void s.end(),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /closed the connection without a full reply/,
    ],
    [
      'hangs up halfway',
      (_r, s) => void s.end(Buffer.concat([u32(100), Buffer.alloc(50)])),
      'SSH_SIGN_AGENT_BAD_REPLY',
      /without a full reply/,
    ],
    [
      'refuses',
      (_r, s) => void s.write(frame(Uint8Array.of(5))),
      'SSH_SIGN_AGENT_REFUSED',
      /refused to list its keys/,
    ],
    ['never answers', () => {}, 'SSH_SIGN_AGENT_TIMEOUT', /did not list its keys within 300 ms/],
  ];

  it.each(misbehaviours)(
    'listing keys: an agent that %s is a clear error',
    async (_what, reply, code, message) => {
      const fake = await fakeAgent(reply);
      await failsWith(
        new SshAgentClient({ socketPath: fake.socketPath, ...fast }).listIdentities(),
        code,
        message,
      );
    },
  );

  const badSignatures: [string, Uint8Array, RegExp][] = [
    [
      'an RSA signature',
      Buffer.concat([str('rsa-sha2-512'), str(Buffer.alloc(64))]),
      /the signature is "rsa-sha2-512", not ssh-ed25519/,
    ],
    [
      'a short signature',
      Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(63))]),
      /64 bytes, not 63/,
    ],
    [
      'a signature with trailing bytes',
      Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(64)), Buffer.of(0)]),
      /unexpected bytes/,
    ],
  ];

  it.each(badSignatures)(
    'signing: an agent that answers %s is a clear error',
    async (_what, signature, message) => {
      const fake = await fakeAgent(
        (_r, s) => void s.write(frame(Uint8Array.of(14), str(signature))),
      );
      await failsWith(
        new SshAgentClient({ socketPath: fake.socketPath }).sign(alice.publicKey, MESSAGE),
        'SSH_SIGN_AGENT_BAD_REPLY',
        message,
      );
    },
  );

  it('signing: an agent that refuses or hangs is a clear error', async () => {
    const refusing = await fakeAgent((_r, s) => void s.write(frame(Uint8Array.of(5))));
    await failsWith(
      new SshAgentClient({ socketPath: refusing.socketPath }).sign(alice.publicKey, MESSAGE),
      'SSH_SIGN_AGENT_REFUSED',
      /^the agent refused to sign: is the key still loaded\? a hardware key waiting for a touch\?$/,
    );
    const hanging = await fakeAgent(() => {});
    await failsWith(
      new SshAgentClient({ socketPath: hanging.socketPath, ...fast }).sign(
        alice.publicKey,
        MESSAGE,
      ),
      'SSH_SIGN_AGENT_TIMEOUT',
      /did not sign within 300 ms — a hardware key waiting for a touch\?/,
    );
  });

  it('signWithSsh never hands out a signature that does not verify', async () => {
    const fake = await fakeAgent((request, socket) => {
      if (request[0] === 11)
        socket.write(identitiesAnswer([{ blob: alice.publicKey.blob, comment: '' }]));
      else
        socket.write(
          frame(
            Uint8Array.of(14),
            str(Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(64, 1))])),
          ),
        );
    });
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        agent: { socketPath: fake.socketPath },
      }),
      'SSH_SIGN_BAD_SIGNATURE',
      /does not verify, so it was not used/,
    );
    expect(fake.requests.map((request) => request[0])).toEqual([11, 13]);
  });

  it('signWithSsh passes on the refusal and the timeout of the agent', async () => {
    const identities = identitiesAnswer([{ blob: alice.publicKey.blob, comment: '' }]);
    const refusing = await fakeAgent((request, socket) => {
      socket.write(request[0] === 11 ? identities : frame(Uint8Array.of(5)));
    });
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        agent: { socketPath: refusing.socketPath },
      }),
      'SSH_SIGN_AGENT_REFUSED',
      /is the key still loaded\?/,
    );
    const hanging = await fakeAgent((request, socket) => {
      if (request[0] === 11) socket.write(identities);
    });
    await failsWith(
      signWithSsh({
        message: MESSAGE,
        namespace: NAMESPACE,
        agent: { socketPath: hanging.socketPath, ...fast },
      }),
      'SSH_SIGN_AGENT_TIMEOUT',
    );
  });
});
