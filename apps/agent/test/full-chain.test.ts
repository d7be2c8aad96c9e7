import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessRequest,
  DEFAULT_POLICY,
  EnrolmentToken,
  SessionList,
  newNonce,
  signedBytes,
  statementNamespace,
  type SignedPart,
  type StatementOf,
  type StatementType,
  type SubmittedStatement,
} from '@allmende/protocol';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorOf, request } from '../../server/test/api.ts';
import {
  DIALECTS,
  createTestStore,
  eventually,
  type TestStore,
} from '../../server/test/harness.ts';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { startSshd, type Sshd } from '../../../test/support/openssh.ts';
import { generateKey, sshKeygenSign, type TestKey } from '../../../test/support/ssh-keygen.ts';
import { readAgentConfig } from '../src/agent-dir.ts';
import { RECORDER_SCRIPT, enroll, refreshKrl } from '../src/enroll.ts';
import { Terminal, openTranscript, ssh, textOf } from './support/e2e.ts';

// The whole life of a privileged action, with nothing standing in for the cooperative's own
// parts: a ticket, a request signed with `ssh-keygen -Y sign`, two approvals signed the same
// way, the server's CA issuing the certificate with `ssh-keygen -s`, a real sshd enrolled by the
// agent, `ssh` with the certificate through the recorder, the sealed transcript opened with
// the oversight member's age identity, and the withdrawal revoking the certificate through the
// KRL the host fetches.

const HOST = 'h1';
const HANDLES = ['ada', 'bo', 'cem'] as const;
type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

describe.each(DIALECTS)('a privileged action from request to revocation, on %s', (dialect) => {
  let store: TestStore;
  let dir: string;
  let server: RunningServer;
  let sshd: Sshd;
  let identity: string;
  let namespace: string;
  let ticket: number;
  let issued: AccessRequest;
  let certificatePath: string;
  const keys = new Map<string, TestKey>();
  const agentDir = () => join(dir, 'agent');
  /** A member's key as the ssh helpers take it. */
  const pairOf = (handle: string) => ({
    path: keys.get(handle)!.path,
    publicKey: keys.get(handle)!.canonical,
  });

  /** A statement by `signers[0]`, signed by each of them with `ssh-keygen -Y sign`. */
  async function signed<T extends SignedPart['type']>(
    type: T,
    body: BodyOf<T>,
    ...signers: string[]
  ): Promise<SubmittedStatement> {
    const part = {
      v: 1,
      type,
      actor: `member:${signers[0]}`,
      nonce: newNonce(),
      body,
    } as SignedPart;
    const signatures = [];
    for (const signer of signers) {
      const signature = await sshKeygenSign(keys.get(signer)!, namespace, signedBytes(part));
      signatures.push({ kind: 'ssh' as const, signer, signature });
    }
    return { ...part, signatures };
  }
  /** An API token, proved as `allmende login` proves it: ssh-keygen signs the server's nonce. */
  async function tokenOf(handle: string): Promise<string> {
    const challenge = z
      .object({ nonce: z.string(), namespace: z.string() })
      .parse(
        (await request(server.url, 'POST', '/api/auth/ssh/challenge', { json: { handle } })).body,
      );
    const signature = await sshKeygenSign(keys.get(handle)!, challenge.namespace, challenge.nonce);
    const issued = await request(server.url, 'POST', '/api/auth/ssh/token', {
      json: { handle, nonce: challenge.nonce, signature, label: 'test' },
    });
    return z.object({ token: z.string() }).parse(issued.body).token;
  }
  const logOf = async <T extends StatementType>(type: T) =>
    (await server.log.entries(0, server.log.size))
      .map((e) => e.statement)
      .filter((s) => s.type === type) as StatementOf<T>[];
  const answer = async (handle: string, what: 'approvals' | 'withdrawal', target: AccessRequest) =>
    request(server.url, 'POST', `/api/access/requests/${target.id}/${what}`, {
      json: await signed(
        what === 'approvals' ? 'access.approved' : 'access.withdrawn',
        { request: target.id, digest: target.digest },
        handle,
      ),
    });

  beforeAll(async () => {
    store = await createTestStore(dialect);
    dir = await mkdtemp(join(tmpdir(), 'allmende-chain-'));
    for (const handle of HANDLES) keys.set(handle, await generateKey(dir, handle));
    identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      recorderCommand: RECORDER_SCRIPT,
      founders: HANDLES.map((handle) => ({
        handle,
        name: handle,
        keys: [
          { kind: 'ssh' as const, publicKey: keys.get(handle)!.canonical },
          ...(handle === 'ada' ? [{ kind: 'age' as const, recipient }] : []),
        ],
      })),
    });
    namespace = statementNamespace(server.log.origin);
    const submit = async (statement: Promise<SubmittedStatement>) =>
      server.coop.submit(await statement);
    // Mail is private: two approvals. This cooperative publishes command lines and needs no
    // observer for private services, which ada and bo decided together.
    const policy = structuredClone(DEFAULT_POLICY);
    policy.access.private = { ...policy.access.private, observer: false, commandLines: 'public' };
    await submit(signed('policy.set', { policy }, 'ada', 'bo'));
    await submit(
      signed(
        'host.added',
        {
          name: HOST,
          address: '127.0.0.1',
          provider: 'Test',
          location: 'Loopback',
          monthlyCost: { amount: 0, currency: 'EUR' },
        },
        'ada',
      ),
    );
    await submit(
      signed(
        'service.created',
        {
          slug: 'mail',
          name: 'Mail',
          description: '',
          sensitivity: 'private',
          status: 'running',
          addresses: [],
          docPage: null,
          hosts: [HOST],
        },
        'bo',
      ),
    );
    await submit(
      signed('steward.assigned', { service: 'mail', handle: 'bo', role: 'steward' }, 'bo'),
    );
    ticket = (
      await server.desk.tickets.openTicket('bo', {
        title: 'The mail queue is stuck',
        body: '',
        service: 'mail',
        private: false,
        priority: 'high',
        labels: [],
      })
    ).id;

    sshd = await startSshd(join(dir, 'sshd'));
    const enrolment = EnrolmentToken.parse(
      (
        await request(server.url, 'POST', `/api/hosts/${HOST}/enrol`, {
          token: await tokenOf('ada'),
        })
      ).body,
    );
    await enroll({
      server: server.url,
      host: HOST,
      token: enrolment.token,
      dir: agentDir(),
      logins: ['root'],
      dropIn: join(sshd.dropIns, 'allmende.conf'),
      sshdConfig: sshd.config,
      sshdPidFile: sshd.pidFile,
    });
  });

  afterAll(async () => {
    await sshd?.stop();
    await server?.close();
    await store?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('issues no certificate without two approvals by others, and sshd lets nobody in', async () => {
    const requested = await request(server.url, 'POST', '/api/access/requests', {
      json: await signed(
        'access.requested',
        {
          host: HOST,
          login: 'root',
          minutes: 30,
          ticket,
          reason: 'Flush the stuck mail queue',
          key: keys.get('bo')!.fingerprint,
        },
        'bo',
      ),
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const pending = AccessRequest.parse(requested.body);

    const self = await answer('bo', 'approvals', pending);
    expect(errorOf(self)).toMatchObject({
      code: 'STATEMENT_REFUSED',
      rule: 'access.self-approval',
    });
    const none = await request(server.url, 'GET', `/api/access/requests/${pending.id}/certificate`);
    expect(errorOf(none).code).toBe('ACCESS_NOT_ISSUED');
    // bo's plain key opens nothing: the guarded login takes certificates only.
    await writeFile(sshd.authorizedKeys, `${keys.get('bo')!.canonical}\n`);
    const plain = await ssh(sshd, pairOf('bo'), undefined, ['true']);
    expect(plain.code).toBe(255);

    expect((await answer('ada', 'approvals', pending)).status).toBe(200);
    const done = await answer('cem', 'approvals', pending);
    expect(done.status).toBe(200);
    issued = AccessRequest.parse(done.body);
    expect(issued.status).toBe('issued');
    const certificate = await fetch(`${server.url}/api/access/requests/${issued.id}/certificate`);
    certificatePath = `${keys.get('bo')!.path}-cert.pub`;
    await writeFile(certificatePath, await certificate.text());
  });

  it('opens a recorded shell and a recorded command with the certificate', async () => {
    const bo = pairOf('bo');
    const terminal = new Terminal(sshd, bo, certificatePath);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    terminal.type('echo queue-$((6*7))\r');
    await terminal.waitFor('queue-42');
    terminal.type('exit\r');
    expect(await terminal.exited).toBe(0);
    const command = await ssh(sshd, bo, certificatePath, ['id', '-un']);
    expect(command).toMatchObject({ code: 0, stdout: 'root\n' });

    const sessions = await eventually(async () => {
      const list = SessionList.parse(
        (await request(server.url, 'GET', '/api/sessions')).body,
      ).sessions;
      return list.filter((s) => s.state === 'ended').length === 2 ? list : undefined;
    }, 'both sessions to end');
    const serial = String(issued.certificate!.serial);
    expect(sessions.map((s) => [s.kind, s.serial])).toEqual(
      expect.arrayContaining([
        ['shell', serial],
        ['command', serial],
      ]),
    );

    // The log tells the whole story in order.
    const types = (await server.log.entries(0, server.log.size)).map((e) => e.statement.type);
    const at = (type: string) => types.indexOf(type as never);
    expect(at('access.requested')).toBeLessThan(at('access.approved'));
    expect(types.filter((t) => t === 'access.approved')).toHaveLength(2);
    expect(at('access.approved')).toBeLessThan(at('cert.issued'));
    expect(at('cert.issued')).toBeLessThan(at('session.started'));
    const started = await logOf('session.started');
    expect(started.map((s) => s.body)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          host: HOST,
          principal: 'root',
          serial,
          request: String(issued.id),
        }),
        expect.objectContaining({ command: 'id -un' }),
      ]),
    );
    expect(await logOf('session.ended')).toHaveLength(2);

    // cem downloads the sealed transcript; ada, in the oversight group, opens it.
    const shell = sessions.find((s) => s.kind === 'shell')!;
    const sealed = await fetch(`${server.url}/api/sessions/${shell.id}/transcript`, {
      headers: {
        authorization: `Bearer ${await tokenOf('cem')}`,
      },
    });
    const records = await openTranscript(new Uint8Array(await sealed.arrayBuffer()), identity);
    expect(textOf(records, 'input')).toContain('echo queue-$((6*7))');
    expect(textOf(records, 'output')).toContain('queue-42');
  });

  it('ends the live session when bo withdraws, and sshd refuses the certificate once the host has the KRL', async () => {
    const terminal = new Terminal(sshd, pairOf('bo'), certificatePath);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    const withdrawn = await answer('bo', 'withdrawal', issued);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    // The revocation ends the shell that is still open, and the log says why.
    await terminal.exited;
    const ended = await eventually(
      async () => (await logOf('session.ended')).find((s) => s.body.reason === 'revoked'),
      'the session ended by the revocation',
    );
    expect(ended.body.reason).toBe('revoked');
    const [revoked] = await logOf('cert.revoked');
    expect(revoked?.body).toMatchObject({ request: issued.id, reason: 'withdrawn' });
    expect(await refreshKrl(await readAgentConfig(agentDir()), agentDir())).toBe(true);
    const after = await ssh(sshd, pairOf('bo'), certificatePath, ['true']);
    expect(after.code).toBe(255);
    expect(sshd.log()).toMatch(/revoked/i);
  });
});
