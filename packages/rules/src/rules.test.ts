import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DEFAULT_POLICY,
  formatAgeRecipient,
  signedBytes,
  statementNamespace,
  type SignedPart,
  type MemberKey,
  type Statement,
  type SubmittedStatement,
} from '@allmende/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  draft,
  genesisStatement,
  passkeySignature,
  signedBy,
  testMember,
  testPasskey,
  type TestMember,
} from '../../../test/support/members.ts';
import {
  RuleViolation,
  applyStatement,
  checkGenesis,
  evaluateStatement,
  foundedState,
  keyIdOf,
  oversightGroup,
  replayStatements,
  responsibleFor,
  verifySignatures,
  type CoopState,
} from './index.ts';

const ORIGIN = 'coop.test/log';
const URL_ = 'https://coop.test';

const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const dana = testMember('dana');

/** A cooperative with these founders, and a way to apply statements to it as the server would. */
function coop(...founders: TestMember[]) {
  const genesis = genesisStatement({ origin: ORIGIN, url: URL_, founders });
  const state = foundedState(genesis);
  const log: Statement[] = [genesis];
  return {
    state,
    log,
    async apply(statement: SubmittedStatement): Promise<void> {
      const signers = await verifySignatures(state, statement);
      applyStatement(state, statement, log.length, signers);
      log.push({ ...statement, time: '2026-11-26T12:00:00.000Z' });
    },
    async refusal(statement: SubmittedStatement): Promise<string> {
      const before = JSON.stringify(state);
      try {
        await this.apply(statement);
      } catch (error) {
        expect(JSON.stringify(state)).toBe(before); // a refused statement changes nothing
        if (error instanceof RuleViolation) return error.rule;
        throw error;
      }
      throw new Error('the statement was accepted');
    },
  };
}

const admission = (candidate: TestMember) =>
  draft('member.admitted', candidate.handle, {
    handle: candidate.handle,
    name: candidate.name,
    keys: [candidate.key],
  });

describe('founding', () => {
  it('makes the founders members with their keys, under the initial policy', () => {
    const { state } = coop(ada, bo);
    expect(Object.keys(state.members)).toEqual(['ada', 'bo']);
    expect(state.members.ada?.keys[0]?.id).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(state.policy).toEqual(DEFAULT_POLICY);
  });

  it('refuses founders who repeat a handle or a key', () => {
    const twice = genesisStatement({ founders: [ada, ada] });
    expect(() => checkGenesis(twice)).toThrow(/named twice/);
  });

  it('names SSH keys by the fingerprint ssh-keygen -l prints', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'allmende-rules-'));
    try {
      await writeFile(join(dir, 'key.pub'), `${ada.key.publicKey} ada\n`);
      const { stdout } = await promisify(execFile)('ssh-keygen', [
        '-l',
        '-f',
        join(dir, 'key.pub'),
      ]);
      expect(stdout.split(' ')[1]).toBe(keyIdOf(ada.key));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('admission', () => {
  it('needs one vouch while the cooperative has fewer than three members', async () => {
    const c = coop(ada, bo);
    await c.apply(await signedBy(admission(cem), ORIGIN, cem, ada));
    expect(c.state.members.cem?.status).toBe('active');
  });

  it('needs two vouches from three members on; one is refused and nothing is written', async () => {
    const c = coop(ada, bo, cem);
    const part = admission(dana);
    expect(await c.refusal(await signedBy(part, ORIGIN, dana, ada))).toBe('consent.vouches');
    expect(c.state.members.dana).toBeUndefined();
    await c.apply(await signedBy(part, ORIGIN, dana, ada, bo));
    expect(c.state.members.dana?.admittedAt).toBe(1);
  });

  it('does not count the candidate as a vouch, nor a member twice', async () => {
    const c = coop(ada, bo, cem);
    const part = admission(dana);
    const statement = await signedBy(part, ORIGIN, dana, dana, ada, ada);
    expect(await c.refusal(statement)).toBe('consent.vouches');
    expect(
      evaluateStatement(c.state, statement, await verifySignatures(c.state, statement)),
    ).toEqual({
      satisfied: false,
      missing: [{ rule: 'consent.vouches', text: 'vouches by members: 1 of 2', have: 1, need: 2 }],
      signers: ['dana', 'ada'],
    });
  });

  it('needs the candidate to sign with a key of the admission', async () => {
    const c = coop(ada, bo);
    expect(await c.refusal(await signedBy(admission(cem), ORIGIN, ada))).toBe('consent.candidate');
  });

  it('refuses a taken handle and a key that another member holds', async () => {
    const c = coop(ada, bo);
    const again = { ...testMember('ada'), handle: 'ada' };
    expect(await c.refusal(await signedBy(admission(again), ORIGIN, again, bo))).toBe(
      'member.handle-taken',
    );
    const thief = { ...ada, handle: 'eve' };
    expect(await c.refusal(await signedBy(admission(thief), ORIGIN, thief, bo))).toBe('key.in-use');
  });

  it('lets the first member of a cooperative without founders in without vouches', async () => {
    const c = coop();
    await c.apply(await signedBy(admission(ada), ORIGIN, ada));
    expect(c.state.members.ada?.status).toBe('active');
  });
});

describe('signatures', () => {
  let c: ReturnType<typeof coop>;
  beforeEach(() => {
    c = coop(ada, bo, cem);
  });

  it('refuses a signature over a different statement', async () => {
    const part = draft('host.added', 'ada', {
      name: 'h1',
      address: '192.0.2.1',
      provider: 'Hetzner',
      location: 'Falkenstein',
      monthlyCost: { amount: 450, currency: 'EUR' },
    });
    const statement = await signedBy(part, ORIGIN, ada);
    const altered = {
      ...statement,
      body: { ...part.body, provider: 'Evil' },
    } as SubmittedStatement;
    expect(await c.refusal(altered)).toBe('signature.invalid');
  });

  it('refuses a signature in another namespace, such as a login proof', async () => {
    const part = draft('steward.away', 'ada', { handle: 'ada', away: true });
    const { sshSignature } = await import('../../../test/support/members.ts');
    const signature = await sshSignature(ada, part, ORIGIN, 'allmende-login:coop.test/log');
    expect(await c.refusal({ ...part, signatures: [signature] })).toBe('signature.invalid');
  });

  it('refuses a signature by a revoked key, and accepts one made before the revocation on replay', async () => {
    const early = await signedBy(
      draft('steward.away', 'ada', { handle: 'ada', away: true }),
      ORIGIN,
      ada,
    );
    await c.apply(early);
    const revoke = draft('key.revoked', 'ada', { handle: 'ada', key: keyIdOf(ada.key) });
    await c.apply(await signedBy(revoke, ORIGIN, ada));
    const late = await signedBy(
      draft('steward.away', 'ada', { handle: 'ada', away: false }),
      ORIGIN,
      ada,
    );
    expect(await c.refusal(late)).toBe('signature.revoked-key');
    const replayed = await replayStatements(
      c.log.map((statement, index) => ({ index, statement })),
    );
    expect(replayed).toEqual(c.state);
  });

  it('refuses a signer who is not a member, or no longer one', async () => {
    const part = draft('steward.away', 'dana', { handle: 'dana', away: true });
    expect(await c.refusal(await signedBy(part, ORIGIN, dana))).toBe('signature.unknown-signer');
    await c.apply(await signedBy(draft('member.left', 'cem', { handle: 'cem' }), ORIGIN, cem));
    const after = draft('steward.away', 'cem', { handle: 'cem', away: true });
    expect(await c.refusal(await signedBy(after, ORIGIN, cem))).toBe('signature.not-a-member');
  });

  it('refuses a signature by a key that is not the signer’s', async () => {
    const part = draft('steward.away', 'ada', { handle: 'ada', away: true });
    const forged = await signedBy(part, ORIGIN, { ...bo, handle: 'ada' });
    expect(await c.refusal(forged)).toBe('signature.unknown-key');
  });

  it('accepts a passkey assertion whose challenge is the statement digest, for its origin only', async () => {
    const passkey = testPasskey();
    const add = draft('key.added', 'ada', { handle: 'ada', key: passkey.key });
    await c.apply(await signedBy(add, ORIGIN, ada));
    const away = draft('steward.away', 'ada', { handle: 'ada', away: true });
    const elsewhere = passkeySignature(passkey, 'ada', away, URL_, { origin: 'https://evil.test' });
    expect(await c.refusal({ ...away, signatures: [elsewhere] })).toBe('signature.invalid');
    const notVerified = passkeySignature(passkey, 'ada', away, URL_, { flags: 0x01 });
    expect(await c.refusal({ ...away, signatures: [notVerified] })).toBe('signature.invalid');
    await c.apply({
      ...away,
      signatures: [passkeySignature(passkey, 'ada', away, URL_)],
    });
    expect(c.state.members.ada?.away).toBe(true);
  });

  it('accepts signatures made by the real ssh-keygen -Y sign', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'allmende-rules-'));
    try {
      const run = promisify(execFile);
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        'dana',
        '-f',
        join(dir, 'id'),
      ]);
      const line = (await readFile(join(dir, 'id.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
      const part: SignedPart = draft('member.admitted', 'dana', {
        handle: 'dana',
        name: 'Dana',
        keys: [{ kind: 'ssh', publicKey: line }],
      });
      await writeFile(join(dir, 'statement.json'), signedBytes(part));
      await run('ssh-keygen', [
        '-Y',
        'sign',
        '-q',
        '-n',
        statementNamespace(ORIGIN),
        '-f',
        join(dir, 'id'),
        join(dir, 'statement.json'),
      ]);
      const armored = await readFile(join(dir, 'statement.json.sig'), 'utf8');
      const vouches = await signedBy(part, ORIGIN, ada, bo);
      await c.apply({
        ...part,
        signatures: [{ kind: 'ssh', signer: 'dana', signature: armored }, ...vouches.signatures],
      });
      expect(c.state.members.dana?.status).toBe('active');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('keys', () => {
  it('adds an age recipient for the oversight group, signed by a key the member holds', async () => {
    const c = coop(ada, bo);
    const recipient = formatAgeRecipient(randomBytes(32));
    await c.apply(
      await signedBy(
        draft('key.added', 'ada', { handle: 'ada', key: { kind: 'age', recipient } }),
        ORIGIN,
        ada,
      ),
    );
    expect(oversightGroup(c.state)).toEqual(['ada']);
    const ageOnly: MemberKey = { kind: 'age', recipient: formatAgeRecipient(randomBytes(32)) };
    const part = draft('member.admitted', 'eve', {
      handle: 'eve',
      name: 'Eve',
      keys: [ageOnly],
    });
    expect(await c.refusal(await signedBy(part, ORIGIN, bo))).toBe('key.no-signing-key');
  });
});

describe('governance', () => {
  it('changes the policy only with the signatures the policy in force requires', async () => {
    const c = coop(ada, bo, cem);
    const stricter = {
      ...DEFAULT_POLICY,
      governance: { ...DEFAULT_POLICY.governance, admission: 3 },
    };
    const part = draft('policy.set', 'ada', { policy: stricter });
    expect(await c.refusal(await signedBy(part, ORIGIN, ada))).toBe('consent.policy-change');
    await c.apply(await signedBy(part, ORIGIN, ada, cem));
    expect(c.state.policy.governance.admission).toBe(3);
    expect(c.state.policySetAt).toBe(1);
    const part2 = admission(dana);
    expect(await c.refusal(await signedBy(part2, ORIGIN, dana, ada, bo))).toBe('consent.vouches');
  });

  it('removes a member with the signatures of others, never by their own', async () => {
    const c = coop(ada, bo, cem);
    const part = draft('member.removed', 'ada', { handle: 'cem', reason: 'gone for a year' });
    expect(await c.refusal(await signedBy(part, ORIGIN, ada, cem))).toBe('consent.removal');
    await c.apply(await signedBy(part, ORIGIN, ada, bo));
    expect(c.state.members.cem).toMatchObject({ status: 'removed', leftAt: 1 });
  });

  it('revokes a lost key by the member’s own signature or by enough others', async () => {
    const c = coop(ada, bo, cem);
    const lost = draft('key.revoked', 'bo', {
      handle: 'ada',
      key: keyIdOf(ada.key),
      reason: 'lost',
    });
    expect(await c.refusal(await signedBy(lost, ORIGIN, bo))).toBe('consent.key-revocation');
    await c.apply(await signedBy(lost, ORIGIN, bo, cem));
    expect(c.state.members.ada?.keys[0]?.revokedAt).toBe(1);
  });
});

describe('services and stewards', () => {
  async function withService() {
    const c = coop(ada, bo, cem);
    await c.apply(
      await signedBy(
        draft('service.created', 'ada', {
          slug: 'mail',
          name: 'Mail',
          description: 'Postfix and Dovecot',
          sensitivity: 'private',
          status: 'running',
          addresses: ['mail.coop.test'],
          docPage: 'services/mail',
          hosts: [],
        }),
        ORIGIN,
        ada,
      ),
    );
    return c;
  }

  it('makes someone steward only with their own signature, and the current steward’s', async () => {
    const c = await withService();
    const assign = draft('steward.assigned', 'ada', {
      service: 'mail',
      handle: 'bo',
      role: 'steward',
    });
    expect(await c.refusal(await signedBy(assign, ORIGIN, ada))).toBe('consent.assignee');
    await c.apply(await signedBy(assign, ORIGIN, ada, bo));
    const second = draft('steward.assigned', 'cem', {
      service: 'mail',
      handle: 'cem',
      role: 'deputy',
    });
    expect(await c.refusal(await signedBy(second, ORIGIN, cem))).toBe('consent.steward');
    await c.apply(await signedBy(second, ORIGIN, cem, bo));
    expect(c.state.services.mail?.stewards).toEqual([
      { handle: 'bo', role: 'steward' },
      { handle: 'cem', role: 'deputy' },
    ]);
  });

  it('needs the deputy’s signature for a new steward when the service has only a deputy', async () => {
    const c = await withService();
    await c.apply(
      await signedBy(
        draft('steward.assigned', 'cem', { service: 'mail', handle: 'cem', role: 'deputy' }),
        ORIGIN,
        cem,
      ),
    );
    const takeover = draft('steward.assigned', 'bo', {
      service: 'mail',
      handle: 'bo',
      role: 'steward',
    });
    expect(await c.refusal(await signedBy(takeover, ORIGIN, bo))).toBe('consent.steward');
    await c.apply(await signedBy(takeover, ORIGIN, bo, cem));
  });

  it('hands the service to the deputy while the steward is away, and over for good', async () => {
    const c = await withService();
    await c.apply(
      await signedBy(
        draft('steward.assigned', 'bo', { service: 'mail', handle: 'bo', role: 'steward' }),
        ORIGIN,
        bo,
      ),
    );
    await c.apply(
      await signedBy(
        draft('steward.assigned', 'cem', { service: 'mail', handle: 'cem', role: 'deputy' }),
        ORIGIN,
        cem,
        bo,
      ),
    );
    const mail = () => c.state.services.mail!;
    expect(responsibleFor(c.state, mail())).toBe('bo');
    await c.apply(
      await signedBy(
        draft('steward.away', 'bo', { handle: 'bo', away: true, until: '2026-12-24' }),
        ORIGIN,
        bo,
      ),
    );
    expect(responsibleFor(c.state, mail())).toBe('cem');
    const handover = draft('steward.handed-over', 'bo', { service: 'mail', from: 'bo', to: 'ada' });
    expect(await c.refusal(await signedBy(handover, ORIGIN, bo))).toBe('consent.handover');
    await c.apply(await signedBy(handover, ORIGIN, bo, ada));
    expect(responsibleFor(c.state, mail())).toBe('ada');
  });

  it('lowers a service’s sensitivity only with the policy-change quorum', async () => {
    const c = await withService();
    const lower = draft('service.updated', 'ada', { slug: 'mail', sensitivity: 'public' });
    expect(await c.refusal(await signedBy(lower, ORIGIN, ada))).toBe('consent.policy-change');
    await c.apply(await signedBy(lower, ORIGIN, ada, bo));
    expect(c.state.services.mail?.sensitivity).toBe('public');
  });

  it('finds no inherited property behind a handle such as "constructor"', async () => {
    const c = coop(ada);
    const part = draft('steward.away', 'constructor', { handle: 'constructor', away: true });
    expect(await c.refusal(await signedBy(part, ORIGIN, { ...ada, handle: 'constructor' }))).toBe(
      'signature.unknown-signer',
    );
  });
});

describe('replay', () => {
  it('rebuilds the same state from the log, and names the entry that breaks a rule', async () => {
    const c = coop(ada, bo);
    await c.apply(await signedBy(admission(cem), ORIGIN, cem, ada));
    await c.apply(await signedBy(draft('member.left', 'bo', { handle: 'bo' }), ORIGIN, bo));
    const entries = c.log.map((statement, index) => ({ index, statement }));
    const replayed: CoopState = await replayStatements(entries);
    expect(replayed).toEqual(c.state);

    const forged = await signedBy(admission(dana), ORIGIN, dana);
    const tampered = [
      ...entries,
      { index: 3, statement: { ...forged, time: '2026-11-26T12:00:00.000Z' } as Statement },
    ];
    const violation = await replayStatements(tampered).catch((error: unknown) => error);
    expect(violation).toBeInstanceOf(RuleViolation);
    expect(violation).toMatchObject({ rule: 'consent.vouches' });
    expect((violation as RuleViolation).message).toMatch(/^entry 3: /);
  });
});
