import { statementNamespace } from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { draft, sshSignature, testMember } from '../../../../test/support/members.ts';
import { checkPastedSignature, sshSignCommand } from './ssh.ts';

const ORIGIN = 'coop.test/log';
const NAMESPACE = statementNamespace(ORIGIN);
const ada = testMember('ada');
const bo = testMember('bo');
const part = draft('steward.resigned', 'ada', { service: 'mail', handle: 'ada' });

async function armoredBy(member: typeof ada, signed = part): Promise<string> {
  const signature = await sshSignature(member, signed, ORIGIN);
  if (signature.kind !== 'ssh') throw new Error('expected an SSH signature');
  return signature.signature;
}

describe('checkPastedSignature', () => {
  it('takes the signature as ssh-keygen writes it, however it was pasted', async () => {
    const armored = await armoredBy(ada);
    for (const pasted of [armored, `\n  ${armored}\n\n`, armored.replace(/\n/g, '\r\n')]) {
      expect(
        await checkPastedSignature(pasted, part, NAMESPACE, [ada.key.publicKey], 'ada'),
      ).toEqual({ ok: true, armored });
    }
  });

  it('takes the statement that `allmende sign` prints, with the member’s signature in it', async () => {
    const armored = await armoredBy(ada);
    const printed = JSON.stringify(
      { ...part, signatures: [{ kind: 'ssh', signer: 'ada', signature: armored }] },
      null,
      2,
    );
    expect(
      await checkPastedSignature(printed, part, NAMESPACE, [ada.key.publicKey], 'ada'),
    ).toEqual({
      ok: true,
      armored,
    });
  });

  it('says what is wrong with a signature that does not fit', async () => {
    const keys = [ada.key.publicKey];
    const other = draft('steward.resigned', 'ada', { service: 'wiki', handle: 'ada' });
    const cases = [
      ['not signed at all', 'not-a-signature'],
      [await armoredBy(ada, other), 'wrong-statement'],
      [await armoredBy(bo), 'not-your-key'],
    ] as const;
    for (const [pasted, problem] of cases) {
      expect(await checkPastedSignature(pasted, part, NAMESPACE, keys, 'ada')).toMatchObject({
        ok: false,
        problem,
      });
    }
    const elsewhere = await sshSignature(ada, part, 'other.test/log');
    if (elsewhere.kind !== 'ssh') throw new Error('expected an SSH signature');
    const checked = await checkPastedSignature(elsewhere.signature, part, NAMESPACE, keys, 'ada');
    expect(checked).toMatchObject({ ok: false, problem: 'wrong-statement' });
    expect(checked.ok ? '' : checked.detail).toContain('namespace');
  });
});

describe('sshSignCommand', () => {
  it('quotes only what the shell would misread', () => {
    expect(sshSignCommand(NAMESPACE, 'statement.json')).toBe(
      'ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n allmende-statement:coop.test/log statement.json',
    );
    expect(sshSignCommand("it's odd", 'statement.json')).toContain(`-n 'it'\\''s odd' `);
  });
});
