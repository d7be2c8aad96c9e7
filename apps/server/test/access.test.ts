import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AccessRequest,
  AccessRequestList,
  decodeStatement,
  isStatementProblem,
  newNonce,
  signedBytes,
  statementNamespace,
  type SignedPart,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { accessKeyId, replayStatements, requestDigest } from '@allmende/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostBody, privateServiceBody } from '../../../test/support/coop-fixtures.ts';
import {
  describeCertificate,
  generateKey,
  revokedByKrl,
  sshKeygenSign,
  type TestKey,
} from '../../../test/support/ssh-keygen.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { errorOf, request } from './api.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

// Requests, approvals and certificates against the real server and OpenSSH's ssh-keygen: every
// member's key is a file ssh-keygen made, every approval an `ssh-keygen -Y sign`, and what the
// CA issued and revoked is read back with `ssh-keygen -L` and `ssh-keygen -Q`.

const run = promisify(execFile);
const HANDLES = ['ada', 'bo', 'cem', 'dana', 'eve'] as const;

describe.each(DIALECTS)('access requests on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let dir: string;
  let origin: string;
  let namespace: string;
  /** Each member's first key; bo and dana have a second one. */
  const keys = new Map<string, TestKey>();
  let ticket: number;
  const revoked: bigint[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'allmende-access-'));
    for (const name of [...HANDLES, 'bo2', 'dana2']) keys.set(name, await generateKey(dir, name));
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders: HANDLES.map((handle) => ({
        handle,
        name: handle,
        keys: [handle, `${handle}2`]
          .filter((name) => keys.has(name))
          .map((name) => ({ kind: 'ssh' as const, publicKey: keys.get(name)!.canonical })),
      })),
    });
    origin = server.log.origin;
    namespace = statementNamespace(origin);
    server.access.onRevoked((serial) => revoked.push(serial));
    // bo looks after mail, a private service on h1: two approvals, 60 minutes at most.
    await submit('ada', 'host.added', hostBody('h1'));
    await submit(
      'ada',
      'host.added',
      hostBody('h2', {
        provider: 'netcup',
        location: 'Nürnberg',
        monthlyCost: { amount: 500, currency: 'EUR' },
      }),
    );
    await submit(
      'bo',
      'service.created',
      privateServiceBody({ slug: 'mail', name: 'Mail', hosts: ['h1'] }),
    );
    await submit('bo', 'steward.assigned', { service: 'mail', handle: 'bo', role: 'steward' });
    ticket = await openTicket('bo', 'The mail queue is stuck');
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

  /** A statement by `handle`, signed with the key `key` by `ssh-keygen -Y sign`. */
  async function signed<T extends SignedPart['type']>(
    handle: string,
    type: T,
    body: BodyOf<T>,
    key = handle,
  ): Promise<SubmittedStatement> {
    const part = { v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body } as SignedPart;
    const signature: StatementSignature = {
      kind: 'ssh',
      signer: handle,
      signature: await sshKeygenSign(keys.get(key)!, namespace, signedBytes(part)),
    };
    return { ...part, signatures: [signature] };
  }

  async function submit<T extends SignedPart['type']>(handle: string, type: T, body: BodyOf<T>) {
    return server.coop.submit(await signed(handle, type, body));
  }

  async function openTicket(requester: string, title: string): Promise<number> {
    const opened = await server.desk.tickets.openTicket(requester, {
      title,
      body: '',
      service: 'mail',
      private: false,
      priority: 'normal',
      labels: [],
    });
    return opened.id;
  }

  const call = (method: string, path: string, json?: unknown) =>
    request(server.url, method, path, { json });

  function requestBody(overrides: Partial<BodyOf<'access.requested'>> = {}) {
    return {
      host: 'h1',
      login: 'root',
      minutes: 30,
      ticket,
      reason: 'Flush the stuck mail queue',
      key: keys.get('bo')!.fingerprint,
      ...overrides,
    };
  }

  async function requestAccess(handle = 'bo', overrides = {}, key = handle) {
    const body = { ...requestBody(overrides), key: keys.get(key)!.fingerprint, ...overrides };
    const reply = await call(
      'POST',
      '/api/access/requests',
      await signed(handle, 'access.requested', body, key),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return AccessRequest.parse(reply.body);
  }

  async function answer(
    what: 'approvals' | 'denial' | 'withdrawal',
    handle: string,
    target: AccessRequest,
    key = handle,
  ) {
    const type = {
      approvals: 'access.approved',
      denial: 'access.denied',
      withdrawal: 'access.withdrawn',
    }[what] as 'access.approved';
    const statement = await signed(
      handle,
      type,
      { request: target.id, digest: target.digest },
      key,
    );
    return call('POST', `/api/access/requests/${target.id}/${what}`, statement);
  }

  async function approve(handle: string, target: AccessRequest, key = handle) {
    const reply = await answer('approvals', handle, target, key);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return AccessRequest.parse(reply.body);
  }

  /** An issued request, approved by ada and cem. */
  async function issued(handle = 'bo', key = handle): Promise<AccessRequest> {
    const pending = await requestAccess(handle, {}, key);
    await approve('ada', pending);
    let done = await approve('cem', pending);
    if (handle !== 'bo') {
      // Who does not look after mail needs the consent of its steward too.
      expect(done).toMatchObject({ status: 'pending', consent: { have: 2, stewards: ['bo'] } });
      expect(done.consent.missing.join()).toContain('steward or deputy');
      done = await approve('bo', pending);
    }
    expect(done.status).toBe('issued');
    return done;
  }

  /** The certificate of a request, saved as ssh would find it next to the key. */
  async function certificateFile(target: AccessRequest): Promise<string> {
    const response = await fetch(`${server.url}/api/access/requests/${target.id}/certificate`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const path = join(dir, `request-${target.id}-cert.pub`);
    await writeFile(path, await response.text());
    return path;
  }

  async function krlFile(): Promise<string> {
    const response = await fetch(`${server.url}/api/access/krl`);
    expect(response.status).toBe(200);
    const path = join(dir, `krl-${Date.now()}-${Math.random()}`);
    await writeFile(path, Buffer.from(await response.arrayBuffer()));
    return path;
  }

  async function entriesFrom(start: number) {
    return (await server.log.entries(start, server.log.size)).map((e) => e.statement);
  }

  it('writes nothing for a refused first request, not even the CA', async () => {
    const size = server.log.size;
    const statement = await signed('bo', 'access.requested', requestBody({ host: 'nope' }));
    const reply = await call('POST', '/api/access/requests', statement);
    expect(errorOf(reply)).toMatchObject({ code: 'STATEMENT_REFUSED', rule: 'host.unknown' });
    expect(server.log.size).toBe(size);
    expect(server.coop.state.access.ca).toBeNull();
  });

  it('certifies a request once two others approve it, as ssh-keygen -L shows', async () => {
    const start = server.log.size;
    const pending = await requestAccess();
    expect(pending).toMatchObject({
      status: 'pending',
      requester: 'bo',
      host: 'h1',
      login: 'root',
      ticket,
      consent: { satisfied: false, need: 2, have: 0, stewards: [] },
      certificate: null,
    });
    expect(pending.digest).toBe(requestDigest(pending.statement));
    const once = await approve('ada', pending);
    expect(once.consent).toMatchObject({ need: 2, have: 1, satisfied: false });
    expect(once.status).toBe('pending');
    const done = await approve('cem', pending);
    expect(done.status).toBe('issued');
    expect(done.certificate).toMatchObject({
      serial: expect.any(Number) as unknown,
      keyId: accessKeyId(origin, pending.id),
      principal: 'root',
    });

    const shown = await describeCertificate(await certificateFile(done));
    expect(shown).toContain('user certificate');
    expect(shown).toContain(`Key ID: "request-${pending.id}@${origin}"`);
    expect(shown).toMatch(new RegExp(`Serial: ${done.certificate!.serial}\\n`));
    expect(shown).toMatch(/Principals: \n\s+root\n/);
    expect(shown).toMatch(/Critical Options: \n\s+force-command allmende-recorder\n/);
    expect(shown).toMatch(/Extensions: \n\s+permit-pty\n/);
    const valid = /Valid: from (\S+) to (\S+)/.exec(shown);
    const from = Date.parse(`${valid?.[1]}Z`);
    const to = Date.parse(`${valid?.[2]}Z`);
    expect(to - from).toBe(30 * 60_000);
    expect(Math.abs(from - Date.now())).toBeLessThan(120_000);
    const fingerprint = (await run('ssh-keygen', ['-l', '-f', keys.get('bo')!.path + '.pub']))
      .stdout;
    expect(shown).toContain(fingerprint.split(' ')[1]);

    // The log: the CA (announced before its first certificate), the request, two approvals,
    // the certificate — in that order, and it replays.
    const types = (await entriesFrom(start)).map((s) => s.type);
    expect(types).toEqual([
      'ca.created',
      'access.requested',
      'access.approved',
      'access.approved',
      'cert.issued',
    ]);
    const [issuedEntry] = (await entriesFrom(done.certificate!.issuedIndex)).slice(0, 1);
    expect(issuedEntry).toMatchObject({
      type: 'cert.issued',
      body: {
        request: pending.id,
        approvals: done.approvals.map((a) => a.index),
        principal: 'root',
        key: keys.get('bo')!.fingerprint,
      },
    });
    const ca = (await (await fetch(`${server.url}/api/access/ca`)).text()).trim();
    expect(ca).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*$/);
    expect(shown).toContain(
      (await run('ssh-keygen', ['-l', '-f', join(store.dataDir, 'ca-key.pub')])).stdout.split(
        ' ',
      )[1],
    );
    const list = AccessRequestList.parse(
      (await call('GET', `/api/access/requests?ticket=${ticket}`)).body,
    );
    expect(list.requests.map((r) => r.id)).toContain(pending.id);
  });

  /** Submits something that must be refused with `rule`: nothing is written. */
  async function refused(path: string, statement: SubmittedStatement, rule: string) {
    const size = server.log.size;
    const state = JSON.stringify(server.coop.state);
    const reply = await call('POST', path, statement);
    expect(reply.status, JSON.stringify(reply.body)).toBe(422);
    expect(errorOf(reply).rule).toBe(rule);
    expect(server.log.size).toBe(size);
    expect(JSON.stringify(server.coop.state)).toBe(state);
    return errorOf(reply);
  }

  it('refuses bad requests and approvals by name of the rule, and writes nothing', async () => {
    const asRequest = (overrides: Partial<BodyOf<'access.requested'>>, key = 'bo') =>
      signed(
        'bo',
        'access.requested',
        requestBody({ key: keys.get(key)!.fingerprint, ...overrides }),
        key,
      );
    const requests = '/api/access/requests';
    await refused(requests, await asRequest({ ticket: 9999 }), 'access.no-ticket');
    const closed = await openTicket('bo', 'Already solved');
    await server.desk.tickets.update('bo', closed, { status: 'resolved' });
    await refused(requests, await asRequest({ ticket: closed }), 'access.ticket-closed');
    await refused(requests, await asRequest({ key: keys.get('ada')!.fingerprint }), 'access.key');
    await refused(requests, await asRequest({ minutes: 61 }), 'access.duration');
    await refused(requests, await asRequest({ host: 'nope' }), 'host.unknown');

    const pending = await requestAccess();
    const approvals = `/api/access/requests/${pending.id}/approvals`;
    const approval = (handle: string, key = handle) =>
      signed(handle, 'access.approved', { request: pending.id, digest: pending.digest }, key);
    await refused(approvals, await approval('bo'), 'access.self-approval');
    await refused(
      approvals,
      await signed('ada', 'access.approved', { request: pending.id, digest: 'f'.repeat(64) }),
      'access.digest',
    );
    await approve('ada', pending);
    await refused(approvals, await approval('ada'), 'access.approved-twice');
    // dana revokes her second key; an approval signed with it never counts.
    await submit('dana', 'key.revoked', { handle: 'dana', key: keys.get('dana2')!.fingerprint });
    await refused(approvals, await approval('dana', 'dana2'), 'signature.revoked-key');
    // One approval of two: the CA issues nothing.
    const size = server.log.size;
    const early = await server.access.service.issue(pending.id).catch((error: unknown) => error);
    expect(early).toMatchObject({ code: 'STATEMENT_REFUSED', rule: 'access.approvals' });
    expect(server.log.size).toBe(size);
    const certificate = await call('GET', `/api/access/requests/${pending.id}/certificate`);
    expect(certificate.status).toBe(409);
    expect(errorOf(certificate)).toMatchObject({ code: 'ACCESS_NOT_ISSUED' });
    expect(errorOf(certificate).message).toContain('1 of 2');
    // Access statements go through /api/access only, where the ticket is checked.
    const direct = await call('POST', '/api/statements', await asRequest({}));
    expect(direct.status).toBe(400);
    expect(server.log.size).toBe(size);
    // Hostile input is a clear error.
    const garbage = await call('POST', requests, { type: 'access.requested', body: 'x' });
    expect(garbage.status).toBe(400);
    expect((await call('GET', '/api/access/requests/abc')).status).toBe(400);
    expect(errorOf(await call('GET', '/api/access/requests/99999')).code).toBe(
      'ACCESS_REQUEST_NOT_FOUND',
    );
    // The denial closes it; nobody can approve it afterwards.
    const denied = await answer('denial', 'dana', pending);
    expect(AccessRequest.parse(denied.body)).toMatchObject({
      status: 'denied',
      denial: { handle: 'dana' },
    });
    await refused(approvals, await approval('cem'), 'access.not-pending');
  });

  it('revokes on withdrawal, removal and key revocation, and the KRL says so to ssh-keygen', async () => {
    // Withdrawal after issuance.
    const withdrawn = await issued();
    const withdrawnCert = await certificateFile(withdrawn);
    expect(await revokedByKrl(await krlFile(), withdrawnCert)).toBe(false);
    const reply = await answer('withdrawal', 'bo', withdrawn);
    expect(AccessRequest.parse(reply.body)).toMatchObject({
      status: 'withdrawn',
      certificate: { revokeReason: 'withdrawn', revokedIndex: expect.any(Number) as unknown },
    });
    expect(await revokedByKrl(await krlFile(), withdrawnCert)).toBe(true);
    expect(revoked).toContain(BigInt(withdrawn.certificate!.serial));

    // The requester's removal.
    const eves = await issued('eve');
    const evesCert = await certificateFile(eves);
    // ada proposes it, cem co-signs: two members other than eve.
    const removal = await signed('ada', 'member.removed', { handle: 'eve', reason: 'Moved away' });
    const removed = {
      ...removal,
      signatures: [
        ...removal.signatures,
        {
          kind: 'ssh' as const,
          signer: 'cem',
          signature: await sshKeygenSign(keys.get('cem')!, namespace, signedBytes(removal)),
        },
      ],
    } as SubmittedStatement;
    await server.coop.submit(removed);
    await expectRevoked(eves, 'member-removed', evesCert);

    // The revocation of the certified key.
    const bos = await issued('bo', 'bo');
    const bosCert = await certificateFile(bos);
    await server.coop.submit(
      await signed('bo', 'key.revoked', { handle: 'bo', key: keys.get('bo')!.fingerprint }, 'bo2'),
    );
    await expectRevoked(bos, 'key-revoked', bosCert);

    const entries = await entriesFrom(0);
    const revocations = entries.filter((s) => s.type === 'cert.revoked').map((s) => s.body);
    // bo's certificate of the first test was of the same key: it went too.
    expect(revocations).toEqual(
      expect.arrayContaining([
        { request: withdrawn.id, serial: withdrawn.certificate!.serial, reason: 'withdrawn' },
        { request: eves.id, serial: eves.certificate!.serial, reason: 'member-removed' },
        { request: bos.id, serial: bos.certificate!.serial, reason: 'key-revoked' },
      ]),
    );
    expect(revocations.filter((r) => r.reason === 'key-revoked')).toHaveLength(2);
    // The KRL answers conditional requests by its ETag.
    const first = await fetch(`${server.url}/api/access/krl`);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}/api/access/krl`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  async function expectRevoked(target: AccessRequest, reason: string, certificate: string) {
    const deadline = Date.now() + 10_000;
    let view = target;
    while (view.certificate?.revokedIndex === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      view = AccessRequest.parse((await call('GET', `/api/access/requests/${target.id}`)).body);
    }
    expect(view).toMatchObject({ status: 'revoked', certificate: { revokeReason: reason } });
    expect(await revokedByKrl(await krlFile(), certificate)).toBe(true);
    expect(revoked).toContain(BigInt(target.certificate!.serial));
  }

  it('checks the certificate a host is shown: ours, valid, unrevoked, for this host and login', async () => {
    const pending = await requestAccess('cem');
    await approve('ada', pending);
    await approve('dana', pending);
    // bo revoked his first key above: he signs with his second.
    const done = await approve('bo', pending, 'bo2');
    expect(done.status).toBe('issued');
    const line = (await readFile(await certificateFile(done), 'utf8')).trim();
    const at = new Date();
    const check = (
      input: Partial<{ host: string; principal: string; certificate: string }>,
      when = at,
    ) =>
      server.access.checkSessionCertificate(
        { host: 'h1', principal: 'root', certificate: line, ...input },
        when,
      );
    const accepted = await check({});
    expect(accepted).toMatchObject({
      ok: true,
      request: { id: done.id, requester: 'cem', host: 'h1' },
      policy: { approvals: 2, maxCertificateMinutes: 60 },
      serial: BigInt(done.certificate!.serial),
    });
    expect(accepted.ok && accepted.validBefore.toISOString()).toBe(
      new Date(done.certificate!.validBefore).toISOString(),
    );
    expect(await check({ host: 'h2' })).toMatchObject({
      ok: false,
      code: 'ACCESS_CERT_WRONG_HOST',
    });
    expect(await check({ principal: 'postgres' })).toMatchObject({
      ok: false,
      code: 'ACCESS_CERT_WRONG_PRINCIPAL',
    });
    expect(
      await check({}, new Date(Date.parse(done.certificate!.validBefore) + 1000)),
    ).toMatchObject({
      ok: false,
      code: 'ACCESS_CERT_EXPIRED',
    });
    for (const garbage of ['', 'ssh-ed25519 AAAA', 'x'.repeat(100_000), `${line}\nsecond line`]) {
      expect(await check({ certificate: garbage })).toMatchObject({
        ok: false,
        code: 'ACCESS_CERT_INVALID',
      });
    }
    // Another CA's certificate of the same key, with the same serial and key ID.
    const other = await generateKey(dir, 'other-ca');
    const forged = await signCertificate(other.path, done, 'other');
    expect(await check({ certificate: forged })).toMatchObject({
      ok: false,
      code: 'ACCESS_CERT_WRONG_CA',
    });
    // Our CA's key, but no certificate it issued: signed behind the log's back.
    const stray = await signCertificate(join(store.dataDir, 'ca-key'), done, 'stray');
    expect(await check({ certificate: stray })).toMatchObject({
      ok: false,
      code: 'ACCESS_CERT_UNKNOWN',
    });
    // Withdrawn: revoked.
    await answer('withdrawal', 'cem', done);
    expect(await check({})).toMatchObject({ ok: false, code: 'ACCESS_CERT_REVOKED' });
  });

  async function signCertificate(caKey: string, target: AccessRequest, name: string) {
    const pub = join(dir, `${name}.pub`);
    await writeFile(pub, `${target.publicKey}\n`);
    await run('ssh-keygen', [
      '-q',
      '-s',
      caKey,
      '-I',
      target.certificate!.keyId,
      '-z',
      String(target.certificate!.serial),
      '-n',
      'root',
      '-V',
      '-1m:+20m',
      '-O',
      'clear',
      '-O',
      'force-command=allmende-recorder',
      pub,
    ]);
    return (await readFile(join(dir, `${name}-cert.pub`), 'utf8')).trim();
  }

  it('expires a request left unanswered, and the whole log replays', async () => {
    const pending = await requestAccess('dana', {}, 'dana');
    // A day passes.
    await server.database.db
      .updateTable('access_requests')
      .set({ created_at: new Date(Date.now() - 25 * 3_600_000).toISOString() })
      .where('idx', '=', pending.id)
      .execute();
    expect(await server.access.service.expireRequests()).toEqual([pending.id]);
    const view = AccessRequest.parse(
      (await call('GET', `/api/access/requests/${pending.id}`)).body,
    );
    expect(view.status).toBe('expired');
    const last = (await entriesFrom(server.log.size - 1))[0];
    expect(last).toMatchObject({ type: 'access.expired', body: { request: pending.id } });

    const entries = (await server.log.entries(0, server.log.size)).map(({ index, entry }) => {
      const statement = decodeStatement(entry);
      if (isStatementProblem(statement)) throw new Error(statement.message);
      return { index, statement };
    });
    const replayed = await replayStatements(entries);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(server.coop.state));
  });

  it('keeps its CA and revocations across a restart, and refuses another CA key', async () => {
    const ca = server.access.service.caPublicKey;
    const krl = server.access.service.revocationList.etag;
    await server.close();
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
    });
    expect(server.access.service.caPublicKey).toBe(ca);
    expect(server.access.service.revocationList.etag).toBe(krl);
    await server.close();
    const saved = await readFile(join(store.dataDir, 'ca-key'));
    await rm(join(store.dataDir, 'ca-key'));
    await expect(
      startServer({
        dataDir: store.dataDir,
        databaseUrl: store.databaseUrl,
        listen: '127.0.0.1:0',
      }),
    ).rejects.toThrow(/is not the CA this log announced/);
    await writeFile(join(store.dataDir, 'ca-key'), saved, { mode: 0o600 });
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
    });
    expect(server.access.service.caPublicKey).toBe(ca);
  });
});
