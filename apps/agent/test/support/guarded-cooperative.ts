import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessRequest,
  DEFAULT_POLICY,
  EnrolmentToken,
  newNonce,
  signedBytes,
  statementNamespace,
  type SignedPart,
  type StatementOf,
  type StatementType,
  type SubmittedStatement,
} from '@allmende/protocol';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { expect } from 'vitest';
import { z } from 'zod';
import { request, type Reply } from '../../../server/test/api.ts';
import { createTestStore, type TestDialect, type TestStore } from '../../../server/test/harness.ts';
import { startServer, type RunningServer } from '../../../server/src/server.ts';
import { hostBody, privateServiceBody } from '../../../../test/support/coop-fixtures.ts';
import { startSshd, type KeyPair, type Sshd } from '../../../../test/support/openssh.ts';
import { generateKey, sshKeygenSign, type TestKey } from '../../../../test/support/ssh-keygen.ts';
import { RECORDER_SCRIPT, enroll } from '../../src/enroll.ts';

export const HOST = 'h1';
const HANDLES = ['ada', 'bo', 'cem'] as const;
type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

/**
 * A cooperative with nothing standing in for its own parts: ada (in the oversight group, with an
 * age identity), bo (the steward of mail, a private service on host h1) and cem; every key made
 * by ssh-keygen and every statement signed by `ssh-keygen -Y sign`; the server's own CA; a real
 * sshd enrolled by the agent; a ticket of bo's to work on. The policy publishes command lines
 * and, unless `observer` is set, needs no observer for private services, as ada and bo decided
 * together.
 */
export type GuardedCooperative = {
  server: RunningServer;
  sshd: Sshd;
  dir: string;
  agentDir: string;
  /** ada's age identity, which opens the sealed transcripts. */
  identity: string;
  ticket: number;
  /** A member's key as the ssh helpers take it. */
  pairOf(handle: string): KeyPair;
  key(handle: string): TestKey;
  /** An API token, proved as `allmende login` proves it: ssh-keygen signs the server's nonce. */
  tokenOf(handle: string): Promise<string>;
  /** A statement by `signers[0]`, signed by each of them with `ssh-keygen -Y sign`. */
  signed<T extends SignedPart['type']>(
    type: T,
    body: BodyOf<T>,
    ...signers: string[]
  ): Promise<SubmittedStatement>;
  /** bo asks for root on h1 for the ticket; answers the pending request. */
  requestAccess(): Promise<AccessRequest>;
  answer(handle: string, what: 'approvals' | 'withdrawal', target: AccessRequest): Promise<Reply>;
  /** A request of bo's that ada and cem approved, its certificate next to bo's key. */
  issuedRequest(): Promise<{ request: AccessRequest; certificate: string }>;
  logOf<T extends StatementType>(type: T): Promise<StatementOf<T>[]>;
  close(): Promise<void>;
};

export async function openGuardedCooperative(
  dialect: TestDialect,
  options: { webRoot?: string; listen?: string; url?: string; observer?: boolean } = {},
): Promise<GuardedCooperative> {
  const store: TestStore = await createTestStore(dialect);
  const dir = await mkdtemp(join(tmpdir(), 'allmende-guarded-'));
  const keys = new Map<string, TestKey>();
  for (const handle of HANDLES) keys.set(handle, await generateKey(dir, handle));
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const server = await startServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    listen: options.listen ?? '127.0.0.1:0',
    url: options.url,
    webRoot: options.webRoot,
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
  const namespace = statementNamespace(server.log.origin);
  const key = (handle: string) => keys.get(handle)!;

  const signed: GuardedCooperative['signed'] = async (type, body, ...signers) => {
    const part = {
      v: 1,
      type,
      actor: `member:${signers[0]}`,
      nonce: newNonce(),
      body,
    } as SignedPart;
    const signatures = [];
    for (const signer of signers) {
      const signature = await sshKeygenSign(key(signer), namespace, signedBytes(part));
      signatures.push({ kind: 'ssh' as const, signer, signature });
    }
    return { ...part, signatures };
  };
  const tokenOf = async (handle: string) => {
    const challenge = z
      .object({ nonce: z.string(), namespace: z.string() })
      .parse(
        (await request(server.url, 'POST', '/api/auth/ssh/challenge', { json: { handle } })).body,
      );
    const signature = await sshKeygenSign(key(handle), challenge.namespace, challenge.nonce);
    const issued = await request(server.url, 'POST', '/api/auth/ssh/token', {
      json: { handle, nonce: challenge.nonce, signature, label: 'test' },
    });
    return z.object({ token: z.string() }).parse(issued.body).token;
  };
  const submit = async (statement: Promise<SubmittedStatement>) =>
    server.coop.submit(await statement);

  const policy = structuredClone(DEFAULT_POLICY);
  policy.access.private = {
    ...policy.access.private,
    observer: options.observer ?? false,
    commandLines: 'public',
  };
  await submit(signed('policy.set', { policy }, 'ada', 'bo'));
  await submit(signed('host.added', hostBody(HOST, { address: '127.0.0.1' }), 'ada'));
  await submit(
    signed(
      'service.created',
      privateServiceBody({ slug: 'mail', name: 'Mail', hosts: [HOST] }),
      'bo',
    ),
  );
  await submit(
    signed('steward.assigned', { service: 'mail', handle: 'bo', role: 'steward' }, 'bo'),
  );
  const ticket = (
    await server.desk.tickets.openTicket('bo', {
      title: 'The mail queue is stuck',
      body: '',
      service: 'mail',
      private: false,
      priority: 'high',
      labels: [],
    })
  ).id;

  const sshd = await startSshd(join(dir, 'sshd'));
  const agentDir = join(dir, 'agent');
  const enrolment = EnrolmentToken.parse(
    (await request(server.url, 'POST', `/api/hosts/${HOST}/enrol`, { token: await tokenOf('ada') }))
      .body,
  );
  await enroll({
    server: server.url,
    host: HOST,
    token: enrolment.token,
    dir: agentDir,
    logins: ['root'],
    dropIn: join(sshd.dropIns, 'allmende.conf'),
    sshdConfig: sshd.config,
    sshdPidFile: sshd.pidFile,
  });

  const requestAccess = async () => {
    const reply = await request(server.url, 'POST', '/api/access/requests', {
      json: await signed(
        'access.requested',
        {
          host: HOST,
          login: 'root',
          minutes: 30,
          ticket,
          reason: 'Flush the stuck mail queue',
          key: key('bo').fingerprint,
        },
        'bo',
      ),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return AccessRequest.parse(reply.body);
  };
  const answer: GuardedCooperative['answer'] = async (handle, what, target) =>
    request(server.url, 'POST', `/api/access/requests/${target.id}/${what}`, {
      json: await signed(
        what === 'approvals' ? 'access.approved' : 'access.withdrawn',
        { request: target.id, digest: target.digest },
        handle,
      ),
    });

  return {
    server,
    sshd,
    dir,
    agentDir,
    identity,
    ticket,
    pairOf: (handle) => ({ path: key(handle).path, publicKey: key(handle).canonical }),
    key,
    tokenOf,
    signed,
    requestAccess,
    answer,
    async issuedRequest() {
      const pending = await requestAccess();
      expect((await answer('ada', 'approvals', pending)).status).toBe(200);
      const done = await answer('cem', 'approvals', pending);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      const issued = AccessRequest.parse(done.body);
      expect(issued.status).toBe('issued');
      const response = await fetch(`${server.url}/api/access/requests/${issued.id}/certificate`);
      const certificate = `${key('bo').path}-cert.pub`;
      await writeFile(certificate, await response.text());
      return { request: issued, certificate };
    },
    async logOf(type) {
      return (await server.log.entries(0, server.log.size))
        .map((e) => e.statement)
        .filter((s) => s.type === type) as never;
    },
    async close() {
      await sshd.stop();
      await server.close();
      await store.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
