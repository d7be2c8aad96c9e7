import {
  CreatedInvitation,
  DEFAULT_POLICY,
  ErrorBody,
  HostList,
  InvitationCheck,
  InvitationList,
  MemberInfo,
  MemberList,
  Proposal,
  ProposalList,
  StatementReceipt,
  decodeStatement,
  isStatementProblem,
  type SignedPart,
  type SubmittedStatement,
} from '@allmende/protocol';
import { keyIdOf, replayStatements } from '@allmende/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  draft,
  signedBy,
  sshSignature,
  testMember,
  testPasskey,
  passkeySignature,
  type TestMember,
} from '../../../test/support/members.ts';
import { CoopRepository } from '../src/coop/coop.repo.ts';
import { projectionRows } from '../src/coop/projection.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { errorOf, signIn } from './api.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const dana = testMember('dana');
const founders = [ada, bo, cem].map((m) => ({
  handle: m.handle,
  name: m.name,
  email: `${m.handle}@example.org`,
  keys: [m.key],
}));

describe.each(DIALECTS)('the cooperative on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let origin: string;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders,
    });
    origin = server.log.origin;
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  async function call(method: string, path: string, body?: unknown, headers = {}) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  const sign = (part: SignedPart, ...signers: TestMember[]) => signedBy(part, origin, ...signers);
  const submit = (statement: SubmittedStatement) =>
    call('POST', '/api/statements', statement, {
      // An administrator's token gives no power over consent.
      authorization: `Bearer ${server.adminToken}`,
    });

  /** Submits a forgery and checks that it is refused with `rule` and nothing is written. */
  async function refused(statement: SubmittedStatement, status: number, rule?: string) {
    const size = server.log.size;
    const state = JSON.stringify(server.coop.state);
    const reply = await submit(statement);
    expect(reply.status).toBe(status);
    const { error } = ErrorBody.parse(reply.body);
    if (rule) expect(error.rule).toBe(rule);
    expect(server.log.size).toBe(size);
    expect(JSON.stringify(server.coop.state)).toBe(state);
    return error;
  }

  it('founds the cooperative with its founders and the default policy', async () => {
    const members = await call('GET', '/api/members');
    expect(MemberList.parse(members.body).members.map((m) => m.handle)).toEqual([
      'ada',
      'bo',
      'cem',
    ]);
    // Contact data is for members only.
    expect(JSON.stringify(members.body)).not.toContain('example.org');
    expect((await call('GET', '/api/policies')).body).toEqual({ policy: DEFAULT_POLICY, setAt: 0 });
    const [genesis] = await server.log.entries(0, 1);
    expect(genesis?.statement).toMatchObject({
      type: 'coop.founded',
      body: { founders: [{ handle: 'ada', keys: [ada.key] }, { handle: 'bo' }, { handle: 'cem' }] },
    });
    expect(JSON.stringify(genesis?.statement)).not.toContain('example.org');
  });

  it('refuses forged consent, even from an administrator: nothing is written', async () => {
    const admission = draft('member.admitted', 'dana', {
      handle: 'dana',
      name: 'Dana',
      keys: [dana.key],
    });
    // One vouch where two are needed; a self-vouch; a vouch signed twice by one member.
    await refused(await sign(admission, dana, ada), 422, 'consent.vouches');
    await refused(await sign(admission, dana, dana), 422, 'consent.vouches');
    await refused(await sign(admission, dana, ada, ada), 422, 'consent.vouches');
    // A signature over a different statement.
    const other = await sign(
      { ...admission, nonce: draft('member.left', 'x', { handle: 'x' }).nonce },
      bo,
    );
    await refused(
      {
        ...(await sign(admission, dana, ada)),
        signatures: [...(await sign(admission, dana, ada)).signatures, ...other.signatures],
      },
      422,
      'signature.invalid',
    );
    // A policy change signed by too few.
    const lax = draft('policy.set', 'ada', {
      policy: {
        ...DEFAULT_POLICY,
        access: { ...DEFAULT_POLICY.access, critical: DEFAULT_POLICY.access.public },
      },
    });
    await refused(await sign(lax, ada), 422, 'consent.policy-change');
    // A statement in a member's name without their signature.
    await refused(
      await sign(draft('member.left', 'bo', { handle: 'bo' }), ada),
      422,
      'consent.actor',
    );
  });

  it('appends a statement with enough consent, once: a replay is refused', async () => {
    const admission = await sign(
      draft('member.admitted', 'dana', { handle: 'dana', name: 'Dana', keys: [dana.key] }),
      dana,
      ada,
      bo,
    );
    const receipt = await submit(admission);
    expect(receipt.status).toBe(201);
    const { index, digest } = StatementReceipt.parse(receipt.body);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const [entry] = await server.log.entries(index, index + 1);
    expect(entry?.statement).toMatchObject({
      type: 'member.admitted',
      signatures: admission.signatures,
    });
    expect((await call('GET', '/api/members/dana')).body).toMatchObject({
      status: 'active',
      admittedAt: index,
    });
    const error = await refused(admission, 409);
    expect(error.code).toBe('STATEMENT_REPLAYED');
  });

  it('refuses a signature by a revoked key', async () => {
    const revoke = await sign(
      draft('key.revoked', 'dana', { handle: 'dana', key: keyIdOf(dana.key) }),
      dana,
    );
    expect((await submit(revoke)).status).toBe(201);
    await refused(
      await sign(draft('steward.away', 'dana', { handle: 'dana', away: true }), dana),
      422,
      'signature.revoked-key',
    );
  });

  it('collects signatures on a proposal and logs it when the policy is met', async () => {
    const stricter = {
      ...DEFAULT_POLICY,
      access: {
        ...DEFAULT_POLICY.access,
        public: { ...DEFAULT_POLICY.access.public, approvals: 2 },
      },
    };
    const part = draft('policy.set', 'ada', { policy: stricter });
    const proposed = await call('POST', '/api/proposals', { statement: await sign(part, ada) });
    expect(proposed.status).toBe(201);
    const proposal = proposed.body as Proposal;
    expect(proposal).toMatchObject({
      status: 'open',
      consent: {
        satisfied: false,
        missing: [
          {
            rule: 'consent.policy-change',
            text: 'signatures of members for a policy change: 1 of 2',
            have: 1,
            need: 2,
          },
        ],
      },
    });
    expect(
      ProposalList.parse((await call('GET', '/api/proposals')).body).proposals.map((p) => p.id),
    ).toContain(proposal.id);
    // A signature by someone else's key is refused and not stored.
    const bad = await call('POST', `/api/proposals/${proposal.id}/signatures`, {
      signature: await sshSignature({ ...cem, handle: 'bo' }, part, origin),
    });
    expect(bad.status).toBe(422);
    const signed = await call('POST', `/api/proposals/${proposal.id}/signatures`, {
      signature: await sshSignature(bo, part, origin),
    });
    expect(signed.body).toMatchObject({
      status: 'logged',
      consent: { satisfied: true, signers: ['ada', 'bo'] },
    });
    expect((await call('GET', '/api/policies')).body).toEqual({
      policy: stricter,
      setAt: Proposal.parse(signed.body).index,
    });
    const again = await call('POST', `/api/proposals/${proposal.id}/signatures`, {
      signature: await sshSignature(cem, part, origin),
    });
    expect(errorOf(again).code).toBe('PROPOSAL_CLOSED');
  });

  it('keeps the catalogue: services, stewards who accept, hosts, and a passkey signature', async () => {
    const host = await sign(
      draft('host.added', 'bo', {
        name: 'falkenstein-1',
        address: '192.0.2.10',
        provider: 'Hetzner',
        location: 'Falkenstein',
        monthlyCost: { amount: 1290, currency: 'EUR' },
      }),
      bo,
    );
    expect((await submit(host)).status).toBe(201);
    const service = await sign(
      draft('service.created', 'bo', {
        slug: 'mail',
        name: 'Mail',
        description: 'Postfix and Dovecot for everyone',
        sensitivity: 'private',
        status: 'running',
        addresses: ['mail.coop.test'],
        docPage: 'services/mail',
        hosts: ['falkenstein-1'],
      }),
      bo,
    );
    expect((await submit(service)).status).toBe(201);
    const passkey = testPasskey();
    expect(
      (
        await submit(
          await sign(draft('key.added', 'cem', { handle: 'cem', key: passkey.key }), cem),
        )
      ).status,
    ).toBe(201);
    const assign = draft('steward.assigned', 'bo', {
      service: 'mail',
      handle: 'cem',
      role: 'steward',
    });
    await refused(await sign(assign, bo), 422, 'consent.assignee');
    const accepted = { ...(await sign(assign, bo)) };
    accepted.signatures = [
      ...accepted.signatures,
      passkeySignature(passkey, 'cem', assign, server.config.url),
    ];
    expect((await submit(accepted)).status).toBe(201);
    expect((await call('GET', '/api/services/mail')).body).toMatchObject({
      stewards: [{ handle: 'cem', role: 'steward', away: false }],
      responsible: 'cem',
      hosts: ['falkenstein-1'],
    });
    expect(HostList.parse((await call('GET', '/api/hosts')).body).hosts).toEqual([
      expect.objectContaining({ name: 'falkenstein-1', services: ['mail'] }),
    ]);
  });

  it('judges concurrent statements one after the other: of two hosts with one name, one wins', async () => {
    const host = (provider: string) =>
      sign(
        draft('host.added', 'ada', {
          name: 'twin',
          address: '192.0.2.20',
          provider,
          location: 'Nürnberg',
          monthlyCost: { amount: 500, currency: 'EUR' },
        }),
        ada,
      );
    const replies = await Promise.all([submit(await host('A')), submit(await host('B'))]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(
      HostList.parse((await call('GET', '/api/hosts')).body).hosts.filter((h) => h.name === 'twin'),
    ).toHaveLength(1);
  });

  it('answers bad input with clear errors', async () => {
    const away = draft('steward.away', 'ada', { handle: 'ada', away: true });
    const good = await sign(away, ada);
    const truncated = {
      ...good,
      signatures: [
        {
          ...good.signatures[0]!,
          signature: (good.signatures[0] as { signature: string }).signature.slice(0, 80),
        },
      ],
    } as SubmittedStatement;
    await refused(truncated, 422, 'signature.invalid');
    const badKey = {
      ...(await sign(
        draft('key.added', 'ada', {
          handle: 'ada',
          key: { kind: 'ssh', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA' },
        }),
        ada,
      )),
    };
    expect(errorOf(await submit(badKey)).code).toBe('BAD_REQUEST');
    const unknownType = { ...good, type: 'member.crowned' } as unknown as SubmittedStatement;
    expect(errorOf(await submit(unknownType)).code).toBe('BAD_REQUEST');
    const oversized = await sign(
      draft('host.added', 'ada', {
        name: 'h',
        address: 'x',
        provider: 'p'.repeat(101),
        location: 'l',
        monthlyCost: { amount: 1, currency: 'EUR' },
      }),
      ada,
    );
    expect(errorOf(await submit(oversized)).message).toMatch(/at most 100 characters/);
    // "Ａda" is "ada" after NFKC and lower case; the statement only holds normalised handles.
    const fullwidth = draft('member.admitted', 'ada', {
      handle: '\uff21da',
      name: 'Fake',
      keys: [dana.key],
    });
    expect(errorOf(await submit(await sign(fullwidth, ada))).code).toBe('BAD_REQUEST');
    const taken = draft('member.admitted', 'ada', {
      handle: 'ada',
      name: 'Ada Again',
      keys: [testMember('x').key],
    });
    expect(errorOf(await submit(await sign(taken, ada))).rule).toBe('member.handle-taken');
  });

  it('admits a candidate through an invitation, with the vouches of members who signed in', async () => {
    const token = await signIn(server.url, ada);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call('POST', '/api/invitations', { note: 'for Eli' })).status).toBe(401);
    const invitation = await call('POST', '/api/invitations', { note: 'for Eli' }, bearer);
    expect(invitation.status).toBe(201);
    const { code, url } = CreatedInvitation.parse(invitation.body);
    expect(url).toBe(`${server.config.url}/join/${code}`);
    const check = await call('GET', `/api/invitations/${code}`);
    expect(check.body).toMatchObject({ invitedBy: 'ada', invitedByName: 'Ada' });

    const eli = testMember('eli');
    const part = draft('member.admitted', 'eli', {
      handle: 'eli',
      name: 'Eli',
      keys: [eli.key],
      invitation: InvitationCheck.parse(check.body).digest,
    });
    const withoutInvitation = draft('member.admitted', 'eli', {
      handle: 'eli',
      name: 'Eli',
      keys: [eli.key],
    });
    const uninvited = await call('POST', '/api/proposals', {
      statement: await sign(withoutInvitation, eli),
    });
    expect(errorOf(uninvited).code).toBe('INVITATION_INVALID');
    const proposed = await call('POST', '/api/proposals', {
      statement: await sign(part, eli),
      email: 'eli@example.org',
    });
    expect(proposed.body).toMatchObject({
      status: 'open',
      consent: {
        missing: [{ rule: 'consent.vouches', have: 0, need: 2 }],
      },
    });
    for (const voucher of [ada, bo]) {
      const reply = await call(
        'POST',
        `/api/proposals/${Proposal.parse(proposed.body).id}/signatures`,
        {
          signature: await sshSignature(voucher, part, origin),
        },
      );
      expect(reply.status).toBe(200);
    }
    const eliInfo = await call('GET', '/api/members/eli', undefined, bearer);
    expect(eliInfo.body).toMatchObject({ status: 'active', email: 'eli@example.org' });
    expect(MemberInfo.parse((await call('GET', '/api/members/eli')).body).email).toBeUndefined();
    const used = await call('GET', `/api/invitations/${code}`);
    expect(errorOf(used).code).toBe('INVITATION_INVALID');
    expect(
      InvitationList.parse((await call('GET', '/api/invitations', undefined, bearer)).body)
        .invitations[0],
    ).toMatchObject({ usedBy: 'eli' });
  });

  it('rebuilds exactly the database’s members, keys, services, stewards and policies by replaying the log', async () => {
    // Entries that change nothing in the cooperative may come between its statements.
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'Wartung' } });
    const away = await submit(
      await sign(draft('steward.away', 'bo', { handle: 'bo', away: true }), bo),
    );
    expect(away.status).toBe(201);
    const entries = await server.log.entries(0, server.log.size);
    const statements = entries.map(({ index, entry }) => {
      const statement = decodeStatement(entry);
      if (isStatementProblem(statement)) throw new Error(statement.message);
      return { index, statement };
    });
    const replayed = await replayStatements(statements);
    const stored = await new CoopRepository(server.database).projection();
    const sorted = (rows: Record<string, unknown[]>) =>
      Object.fromEntries(
        Object.entries(rows).map(([table, list]) => [
          table,
          list.map((r) => JSON.stringify(r)).sort(),
        ]),
      );
    expect(sorted(stored)).toEqual(sorted(projectionRows(replayed)));
    expect(replayed).toEqual(server.coop.state);
  });

  it('comes back after a restart with the same state, at the web address of its genesis', async () => {
    const before = JSON.stringify(server.coop.state);
    await server.close();
    const moved = startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      url: 'https://elsewhere.example',
    });
    await expect(moved).rejects.toThrow(
      /web address is http:\/\/localhost:0 \(named in its genesis/,
    );
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
    });
    expect(JSON.stringify(server.coop.state)).toBe(before);
  });
});

describe('a cooperative founded without founders', () => {
  it('lets its first member in by the founding link, without vouches', async () => {
    const store = await createTestStore('sqlite');
    const server = await startServer({ dataDir: store.dataDir, listen: '127.0.0.1:0' });
    try {
      const link = server.coop.foundingInvitationUrl;
      expect(link).toMatch(/\/join\/[A-Za-z0-9_-]+$/);
      const code = link!.split('/').pop()!;
      const check = InvitationCheck.parse(
        await (await fetch(`${server.url}/api/invitations/${code}`)).json(),
      );
      expect(check).toMatchObject({ invitedBy: null });
      const part = draft('member.admitted', 'ada', {
        handle: 'ada',
        name: 'Ada',
        keys: [ada.key],
        invitation: check.digest,
      });
      const response = await fetch(`${server.url}/api/proposals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          statement: await signedBy(part, server.log.origin, ada),
          email: 'ada@example.org',
        }),
      });
      expect(await response.json()).toMatchObject({ status: 'logged', index: 1 });
      expect(server.coop.foundingInvitationUrl).toBeUndefined();
      const reused = ErrorBody.parse(
        await (await fetch(`${server.url}/api/invitations/${code}`)).json(),
      );
      expect(reused.error).toMatchObject({
        code: 'INVITATION_INVALID',
        message: 'the invitation has been used',
      });
    } finally {
      await server.close();
      await store.cleanup();
    }
  });
});
