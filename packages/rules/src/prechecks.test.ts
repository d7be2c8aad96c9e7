import {
  signedBytes,
  signedPartOf,
  statementNamespace,
  type Statement,
  type StatementOf,
} from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { draft, signedBy, testMember } from '../../../test/support/members.ts';
import { RuleViolation } from './errors.ts';
import { keyIdOf, sshKeyId } from './index.ts';
import { Prechecks } from './prechecks.ts';

// A check begun ahead of the replay stands in for the replay's own only when it was begun with
// the very inputs the replay has; anything else must make the replay check afresh.

const ORIGIN = 'coop.test/log';
const ada = testMember('ada');

async function hostAdded(): Promise<Statement> {
  const submitted = await signedBy(
    draft('host.added', ada.handle, {
      name: 'h1',
      address: '10.0.0.1',
      provider: 'Test',
      location: 'Loopback',
      monthlyCost: { amount: 5, currency: 'EUR' },
    }),
    ORIGIN,
    ada,
  );
  return { ...submitted, time: '2026-12-07T03:00:00Z' };
}

describe('Prechecks', () => {
  it('gives the verdict of an SSH signature only for the namespace, bytes and signature it began with', async () => {
    const statement = await hostAdded();
    if (!('signatures' in statement)) throw new Error('a member statement has signatures');
    const signature = statement.signatures[0]!;
    if (signature.kind !== 'ssh') throw new Error('signed by SSH');
    const message = signedBytes(signedPartOf(statement));
    const namespace = statementNamespace(ORIGIN);
    const ahead = new Prechecks();
    ahead.begin(statement, ORIGIN, null);

    const verified = await ahead.sshsig(signature, message, namespace);
    expect(sshKeyId(verified!.publicKey.blob)).toBe(keyIdOf(ada.key));
    expect(ahead.sshsig(signature, message, statementNamespace('other.test/log'))).toBeUndefined();
    expect(ahead.sshsig(signature, message.slice(1), namespace)).toBeUndefined();
    expect(ahead.sshsig({ ...signature }, message, namespace)).toBeUndefined();
    signature.signature = signature.signature.replace('A', 'B');
    expect(ahead.sshsig(signature, message, namespace)).toBeUndefined();
  });

  it("gives the verdict of a certificate only for the CA's key and the line it began with", async () => {
    const body: StatementOf<'cert.issued'>['body'] = {
      request: 1,
      approvals: [2, 3],
      serial: 1,
      keyId: 'coop.test/log#1',
      principal: 'root',
      validAfter: '2026-12-07T03:00:00Z',
      validBefore: '2026-12-07T03:30:00Z',
      key: keyIdOf(ada.key),
      digest: 'a'.repeat(64),
      certificate: 'ssh-ed25519-cert-v01@openssh.com AAAA',
    };
    const statement = { v: 1, time: body.validAfter, actor: 'coop', type: 'cert.issued', body };
    const ahead = new Prechecks();
    ahead.begin(statement as Statement, ORIGIN, ada.key.publicKey);
    expect(ahead.certificate(body, 'ssh-ed25519 AAAAother')).toBeUndefined();
    const verdict = ahead.certificate(body, ada.key.publicKey);
    await expect(verdict).rejects.toBeInstanceOf(RuleViolation);
    await expect(verdict).rejects.toMatchObject({ rule: 'access.certificate' });
    body.certificate = 'ssh-ed25519-cert-v01@openssh.com BBBB';
    expect(ahead.certificate(body, ada.key.publicKey)).toBeUndefined();
    // Nothing begun without a CA: the replay finds there is none.
    const without = new Prechecks();
    without.begin(statement as Statement, ORIGIN, null);
    expect(without.certificate(body, ada.key.publicKey)).toBeUndefined();
  });
});
