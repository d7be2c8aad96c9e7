import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loginNamespace,
  signedBytes,
  signedPartOf,
  statementNamespace,
  type Proposal,
  type SignedPart,
} from '@allmende/protocol';
import { startServer, type RunningServer } from '@allmende/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type TestKey } from './support/ssh-keys.ts';

// The cooperative's commands against a real server, started here on SQLite, and OpenSSH's real
// ssh-keygen: the CLI runs as a child process, as members run it, with its own config folder
// per member and no SSH agent, so that every signature comes from `ssh-keygen -Y sign`.

const CLI = fileURLToPath(new URL('../bin/allmende.js', import.meta.url));
const ORIGIN = 'coop.example/log';

type Run = { code: number; stdout: string; stderr: string };

function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Uint8Array } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

let dir: string;
let data: string;
let server: RunningServer;
let alice: TestKey;
let bob: TestKey;
let secondInit: Run;

/** The CLI as one member runs it: their own config folder, and no SSH agent unless given. */
function as(member: string, agentSocket?: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ALLMENDE_CONFIG_DIR: join(dir, `${member}-config`),
    ALLMENDE_DATABASE_URL: '',
  };
  delete env.SSH_AUTH_SOCK;
  if (agentSocket !== undefined) env.SSH_AUTH_SOCK = agentSocket;
  return (...args: string[]) => run(process.execPath, [CLI, ...args], { env });
}

/** OpenSSH's ssh-agent, holding the given keys, until `stop`. */
async function startAgent(keys: TestKey[]): Promise<{ socket: string; stop(): Promise<void> }> {
  const socket = join(dir, `agent-${Math.random().toString(36).slice(2)}.sock`);
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  for (let i = 0; i < 250 && !existsSync(socket); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const key of keys) {
    const added = await run('ssh-add', [key.path], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
    });
    expect(added, added.stderr).toMatchObject({ code: 0 });
  }
  return {
    socket,
    async stop() {
      agent.kill('SIGTERM');
      await exited;
    },
  };
}
function asWithInput(member: string, input: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ALLMENDE_CONFIG_DIR: join(dir, `${member}-config`),
  };
  delete env.SSH_AUTH_SOCK;
  return (...args: string[]) => run(process.execPath, [CLI, ...args], { env, input });
}

function json<T>(result: Run): T {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allmende-coop-cli-'));
  data = join(dir, 'coop');
  [alice, bob] = await Promise.all([generateKey(dir, 'alice'), generateKey(dir, 'bob')]);
  const init = await as('admin')(
    'init',
    '--data',
    data,
    '--origin',
    ORIGIN,
    '--name',
    'Beispiel eG',
    '--founder',
    `handle=alice,name=Alice Example,email=alice@example.org,key=${alice.path}.pub`,
  );
  expect(init, init.stderr).toMatchObject({ code: 0 });
  expect(init.stdout).toContain('Founder:      alice (Alice Example)');
  secondInit = await as('admin')(
    'init',
    '--data',
    data,
    '--founder',
    `handle=bob,name=Bob,email=bob@example.org,key=${bob.line}`,
  );
  server = await startServer({ dataDir: data, listen: '127.0.0.1:0' });
});

afterAll(async () => {
  await server?.close();
});

describe('the cooperative from the command line', () => {
  it('init makes the founders the first members, with their canonical keys', async () => {
    const members = json<
      { handle: string; status: string; keys: { id: string; key: unknown }[] }[]
    >(await as('nobody')('member', 'list', '--server', server.url, '--json'));
    expect(members).toEqual([
      expect.objectContaining({
        handle: 'alice',
        status: 'active',
        keys: [
          expect.objectContaining({
            id: alice.fingerprint,
            key: { kind: 'ssh', publicKey: alice.canonical },
          }),
        ],
      }),
    ]);
    // A second init may not add founders to a cooperative that exists.
    expect(secondInit.code).toBe(1);
    expect(secondInit.stderr).toMatch(/founded already; founders join a new one/);
  });

  it('login signs a challenge with the SSH key and keeps the token private', async () => {
    const alicesCli = as('alice');
    const login = await alicesCli('login', server.url, '--handle', 'alice', '--key', alice.path);
    expect(login, login.stderr).toMatchObject({ code: 0 });
    expect(login.stdout).toContain(`Logged in to Beispiel eG (${server.url}) as alice.`);

    const configDir = join(dir, 'alice-config');
    const file = join(configDir, 'credentials.json');
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')) as {
      logins: { url: string; handle: string; token: string; origin: string }[];
    };
    expect(stored.logins).toEqual([
      expect.objectContaining({ url: server.url, handle: 'alice', origin: ORIGIN }),
    ]);
    const token = stored.logins[0]!.token;
    expect(`${login.stdout}${login.stderr}`).not.toContain(token);

    // Without --handle, the key says who it is; the earlier token is revoked.
    const again = await alicesCli('login', server.url, '--key', `${alice.path}.pub`);
    expect(again, again.stderr).toMatchObject({ code: 0 });
    const tokens = json<{ id: string }[]>(await alicesCli('token', 'list', '--json'));
    expect(tokens).toHaveLength(1);
    const old = await fetch(new URL('/api/auth/tokens', server.url), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(old.status).toBe(401);

    // A key that is nobody's gets nobody in.
    const stranger = await as('stranger')('login', server.url, '--key', `${bob.path}.pub`);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain('is not the key of any member');
  });

  it('creates a service, makes its creator steward, and adds a host with its cost', async () => {
    const cli = as('alice');
    const created = await cli(
      'service',
      'create',
      'mail',
      '--name',
      'Mail',
      '--sensitivity',
      'private',
      '--status',
      'running',
      '--address',
      'mail.coop.example',
    );
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^service\.created logged at index \d+$/m);
    expect((await cli('service', 'assign', 'mail', 'alice')).stdout).toMatch(
      /steward\.assigned logged at index \d+/,
    );
    const host = await cli(
      'host',
      'add',
      'hetzner-1',
      '--address',
      '203.0.113.7',
      '--provider',
      'Hetzner',
      '--location',
      'Falkenstein',
      '--cost',
      '12.50EUR',
    );
    expect(host.stdout, host.stderr).toMatch(/host\.added logged at index \d+/);
    expect((await cli('service', 'update', 'mail', '--host', 'hetzner-1')).code).toBe(0);

    const service = json<{ stewards: unknown[]; hosts: string[]; responsible: string }>(
      await cli('service', 'show', 'mail', '--json'),
    );
    expect(service).toMatchObject({
      stewards: [{ handle: 'alice', role: 'steward', away: false }],
      hosts: ['hetzner-1'],
      responsible: 'alice',
    });
    const hosts = json<{ name: string; monthlyCost: unknown; services: string[] }[]>(
      await cli('host', 'list', '--json'),
    );
    expect(hosts).toEqual([
      expect.objectContaining({
        name: 'hetzner-1',
        monthlyCost: { amount: 1250, currency: 'EUR' },
        services: ['mail'],
      }),
    ]);
    expect((await cli('host', 'list')).stdout).toMatch(
      /hetzner-1 +203\.0\.113\.7 +Hetzner +Falkenstein +12\.50 EUR +mail/,
    );
    expect((await cli('member', 'list')).stdout).toMatch(/alice +Alice Example +active +mail/);
  });

  it('invites a candidate, who joins with an SSH key; one vouch admits them while the cooperative is small', async () => {
    const invitation = json<{ code: string; url: string }>(
      await as('alice')('member', 'invite', '--note', 'Bob from the repair café', '--json'),
    );
    expect(invitation.url).toMatch(new RegExp(`/join/${invitation.code}$`));

    const join = json<Proposal>(
      await as('bob')(
        'member',
        'join',
        server.url,
        invitation.code,
        '--handle',
        'bob',
        '--name',
        'Bob Example',
        '--email',
        'bob@example.org',
        '--key',
        bob.path,
        '--json',
      ),
    );
    expect(join).toMatchObject({
      status: 'open',
      statement: { type: 'member.admitted', actor: 'member:bob', body: { handle: 'bob' } },
    });
    expect(join.consent.missing).toEqual([expect.objectContaining({ rule: 'consent.vouches' })]);

    const listed = await as('alice')('proposal', 'list');
    expect(listed.stdout).toMatch(
      new RegExp(`${join.id.slice(0, 12)} +member\\.admitted +bob +open`),
    );

    // Without a terminal to ask on, signing needs --yes.
    const unasked = await as('alice')('approve', join.id);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain('pass --yes');
    expect(unasked.stdout).toContain('bob asks to be admitted as a member, named "Bob Example"');
    expect(unasked.stdout).toContain(`with key ssh-ed25519 ${bob.fingerprint}`);

    const vouched = await as('alice')('member', 'admit', join.id.slice(0, 10), '--yes');
    expect(vouched, vouched.stderr).toMatchObject({ code: 0 });
    expect(vouched.stdout).toMatch(/member\.admitted logged at index \d+/);

    const members = json<{ handle: string; status: string }[]>(
      await as('alice')('member', 'list', '--json'),
    );
    expect(members.map((m) => [m.handle, m.status])).toEqual([
      ['alice', 'active'],
      ['bob', 'active'],
    ]);
    // Bob's key is in his SSH agent: it tells who he is, and signs.
    const agent = await startAgent([bob]);
    try {
      const bobLogin = await as('bob', agent.socket)('login', server.url);
      expect(bobLogin, bobLogin.stderr).toMatchObject({ code: 0 });
      expect(bobLogin.stdout).toContain('as bob.');
      const away = await as('bob', agent.socket)('service', 'away', '--until', '2030-02-01');
      expect(away.stdout, away.stderr).toMatch(/steward\.away logged at index \d+/);
      expect((await as('bob')('member', 'list')).stdout).toMatch(
        /bob +Bob Example +away until 2030-02-01/,
      );
      const back = await as('bob', agent.socket)('service', 'back');
      expect(back.stdout, back.stderr).toMatch(/steward\.away logged/);
    } finally {
      await agent.stop();
    }
    const shown = await as('bob')('member', 'show', 'bob');
    expect(shown.stdout).toContain('e-mail:   bob@example.org');
    expect(
      (await as('nobody')('member', 'show', 'bob', '--server', server.url)).stdout,
    ).not.toContain('bob@example.org');
  });

  it('signs a drafted statement that ssh-keygen -Y verify accepts, and submits it', async () => {
    const cli = as('alice');
    const draft = await cli(
      'service',
      'update',
      'mail',
      '--description',
      'Mail für Mitglieder',
      '--draft',
    );
    expect(draft, draft.stderr).toMatchObject({ code: 0 });
    const draftFile = join(dir, 'draft.json');
    await writeFile(draftFile, draft.stdout);
    const signedFile = join(dir, 'signed.json');
    const signed = await cli('sign', draftFile, '--out', signedFile);
    expect(signed, signed.stderr).toMatchObject({ code: 0 });

    const statement = JSON.parse(await readFile(signedFile, 'utf8')) as SignedPart & {
      signatures: { kind: string; signer: string; signature: string }[];
    };
    expect(statement.signatures.map((s) => [s.kind, s.signer])).toEqual([['ssh', 'alice']]);
    expect(statement.signatures[0]!.signature).toMatch(/^-----BEGIN SSH SIGNATURE-----\n/);
    const message = join(dir, 'signed-bytes');
    await writeFile(message, signedBytes(statement));
    const signatureFile = join(dir, 'signature.sig');
    await writeFile(signatureFile, statement.signatures[0]!.signature);
    const allowed = join(dir, 'allowed_signers');
    await writeFile(allowed, `alice ${alice.canonical}\n`);
    const verify = (namespace: string) =>
      readFile(message).then((bytes) =>
        run(
          'ssh-keygen',
          ['-Y', 'verify', '-f', allowed, '-I', 'alice', '-n', namespace, '-s', signatureFile],
          {
            input: bytes,
          },
        ),
      );
    const good = await verify(statementNamespace(ORIGIN));
    expect(good, good.stderr).toMatchObject({ code: 0 });
    expect(good.stdout).toContain(
      `Good "${statementNamespace(ORIGIN)}" signature for alice with ED25519 key ${alice.fingerprint}`,
    );
    expect((await verify(loginNamespace(ORIGIN))).code).not.toBe(0);

    // The same draft from standard input; then the signed file goes in as a proposal.
    const piped = await asWithInput('alice', draft.stdout)('sign', '-');
    expect(piped, piped.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(piped.stdout)).toMatchObject({ nonce: statement.nonce });
    const submitted = await cli('proposal', 'submit', signedFile);
    expect(submitted.stdout, submitted.stderr).toMatch(/service\.updated logged at index \d+/);
    expect(
      json<{ description: string }>(await cli('service', 'show', 'mail', '--json')).description,
    ).toBe('Mail für Mitglieder');
  });

  it('collects the assignee’s signature, also one made with ssh-keygen alone', async () => {
    const proposed = json<Proposal>(
      await as('alice')('service', 'assign', 'mail', 'bob', '--deputy', '--json'),
    );
    expect(proposed.status).toBe('open');
    expect(proposed.consent.missing).toContainEqual(
      expect.objectContaining({ rule: 'consent.assignee', signers: ['bob'] }),
    );

    const part = signedPartOf(proposed.statement);
    const message = join(dir, 'assign-bytes');
    await writeFile(message, signedBytes(part));
    const made = await run('ssh-keygen', [
      '-Y',
      'sign',
      '-f',
      bob.path,
      '-n',
      statementNamespace(ORIGIN),
      message,
    ]);
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const armored = await readFile(`${message}.sig`, 'utf8');

    // Armour cut short in the file is refused before anything is sent.
    const lines = armored.trim().split('\n');
    const truncated = join(dir, 'truncated.sig');
    await writeFile(truncated, `${[...lines.slice(0, 2), lines.at(-1)].join('\n')}\n`);
    const bad = await as('nobody')(
      'proposal',
      'sign',
      proposed.id,
      '--signature',
      truncated,
      '--signer',
      'bob',
      '--yes',
      '--server',
      server.url,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /truncated\.sig is not a valid signature of this statement in allmende-statement:coop\.example\/log: not an armoured SSH signature/,
    );

    // Alice's key is not Bob's.
    const alicesCopy = join(dir, 'assign-bytes-alice');
    await writeFile(alicesCopy, signedBytes(part));
    const byAlice = await run('ssh-keygen', [
      '-Y',
      'sign',
      '-f',
      alice.path,
      '-n',
      statementNamespace(ORIGIN),
      alicesCopy,
    ]);
    expect(byAlice, byAlice.stderr).toMatchObject({ code: 0 });
    const wrongKey = `${alicesCopy}.sig`;
    const impostor = await as('nobody')(
      'proposal',
      'sign',
      proposed.id,
      '--signature',
      wrongKey,
      '--signer',
      'bob',
      '--yes',
      '--server',
      server.url,
    );
    expect(impostor.code).toBe(2);
    expect(impostor.stderr).toContain(
      `made with the key ${alice.fingerprint}, which is not a current key of bob`,
    );

    const signatureFile = join(dir, 'bob.sig');
    await writeFile(signatureFile, armored);
    const accepted = await as('nobody')(
      'proposal',
      'sign',
      proposed.id,
      '--signature',
      signatureFile,
      '--signer',
      'bob',
      '--yes',
      '--server',
      server.url,
    );
    expect(accepted, accepted.stderr).toMatchObject({ code: 0 });
    expect(accepted.stdout).toMatch(/steward\.assigned logged at index \d+/);
    expect(
      json<{ stewards: unknown[] }>(await as('bob')('service', 'show', 'mail', '--json')).stewards,
    ).toEqual([
      { handle: 'alice', role: 'steward', away: false },
      { handle: 'bob', role: 'deputy', away: false },
    ]);
  });

  it('sets the policy from the TOML that policy show prints, and withdraws a proposal', async () => {
    const cli = as('alice');
    const shown = await cli('policy', 'show');
    expect(shown.stdout).toContain('admission = 2');
    const file = join(dir, 'policy.toml');
    await writeFile(file, shown.stdout.replace('admission = 2', 'admission = 1'));
    const set = await cli('policy', 'set', file);
    expect(set.stdout, set.stderr).toMatch(/policy\.set logged at index \d+/);
    const policy = json<{ policy: { governance: { admission: number }; oversight: unknown } }>(
      await cli('policy', 'show', '--json'),
    );
    expect(policy.policy.governance.admission).toBe(1);
    expect(policy.policy.oversight).toBeNull();

    const handover = json<Proposal>(await cli('service', 'handover', 'mail', 'bob', '--json'));
    expect(handover.status).toBe('open');
    const withdrawn = await cli('proposal', 'withdraw', handover.id);
    expect(withdrawn.stdout, withdrawn.stderr).toContain(
      `proposal ${handover.id} (steward.handed-over) was withdrawn`,
    );
    const late = await as('bob')('proposal', 'sign', handover.id, '--yes');
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('was withdrawn');
  });

  it('answers bad input with clear errors and exit codes', async () => {
    const cli = as('alice');
    const unknownType = join(dir, 'unknown.json');
    const draft = JSON.parse((await cli('service', 'back', '--draft')).stdout) as object;
    await writeFile(unknownType, JSON.stringify({ ...draft, type: 'member.crowned' }));
    const unknown = await cli('sign', unknownType);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('has an unknown statement type "member.crowned"');

    const refused = await cli('service', 'create', 'mail', '--name', 'Mail again');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/STATEMENT_REFUSED, rule service\.slug-taken/);

    const badCost = await cli(
      'host',
      'add',
      'h2',
      '--address',
      'x',
      '--provider',
      'p',
      '--location',
      'l',
      '--cost',
      '12.345EUR',
    );
    expect(badCost).toMatchObject({ code: 2 });
    expect(badCost.stderr).toContain('EUR has 2 decimal places');

    const badField = await cli('service', 'create', 'Not A Slug', '--name', 'x');
    expect(badField.code).toBe(2);
    expect(badField.stderr).toMatch(/not a valid service\.created statement:[\s\S]*body\.slug/);

    const missing = await cli('host', 'add', 'h2', '--address', 'x', '--cost', '5EUR');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--provider is required');

    const nobody = await as('nobody')('member', 'invite');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('run allmende login URL first');
    const notHere = await as('nobody')('member', 'invite', '--server', server.url);
    expect(notHere.stderr).toContain(
      `not logged in to ${server.url}: run allmende login ${server.url} first`,
    );
  });

  it('init refuses colliding handles and malformed keys, and creates nothing', async () => {
    const target = join(dir, 'never');
    const collide = await as('admin')(
      'init',
      '--data',
      target,
      '--founder',
      `handle=alice,name=Alice,email=alice@example.org,key=${alice.line}`,
      '--founder',
      `handle=Ａlice,name=Impostor,email=imp@example.org,key=${bob.line}`,
    );
    expect(collide.code).toBe(2);
    expect(collide.stderr).toContain(
      '--founder 2 (Ａlice): the handle "alice" is already --founder 1\'s',
    );

    const broken = join(dir, 'broken.pub');
    await writeFile(broken, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA not-base64!\n');
    const malformed = await as('admin')(
      'init',
      '--data',
      target,
      '--founder',
      `handle=carol,name=Carol,email=carol@example.org,key=${broken}`,
    );
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(
      `--founder 1 (carol): key: ${broken} is not an ssh-ed25519 public key`,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('logout revokes the token and forgets it', async () => {
    const cli = as('bob');
    const stored = JSON.parse(
      await readFile(join(dir, 'bob-config', 'credentials.json'), 'utf8'),
    ) as {
      logins: { token: string }[];
    };
    const out = await cli('logout');
    expect(out, out.stderr).toMatchObject({ code: 0 });
    expect(existsSync(join(dir, 'bob-config', 'credentials.json'))).toBe(false);
    const revoked = await fetch(new URL('/api/auth/tokens', server.url), {
      headers: { authorization: `Bearer ${stored.logins[0]!.token}` },
    });
    expect(revoked.status).toBe(401);
    expect((await cli('token', 'list')).stderr).toContain('run allmende login URL first');

    // Revoking the token of one's own login is logging out.
    const alices = as('alice');
    const [current] = json<{ id: string }[]>(await alices('token', 'list', '--json'));
    const revoked2 = await alices('token', 'revoke', current!.id);
    expect(revoked2.stdout, revoked2.stderr).toContain(
      `Token ${current!.id} revoked; it was this login's`,
    );
    expect((await alices('member', 'invite')).stderr).toContain('run allmende login URL first');
  });
});
