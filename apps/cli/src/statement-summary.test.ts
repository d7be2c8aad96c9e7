import { encodeHex } from '@allmende/bytes';
import {
  DEFAULT_POLICY,
  formatAgeRecipient,
  statementDigest,
  type Proposal,
} from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { proposalMatches } from './proposals.ts';
import { summarizeStatement } from './statement-summary.ts';
import { draftStatement } from './statements.ts';

describe('summarizeStatement', () => {
  it('says in words what a signature would cover', async () => {
    const host = draftStatement('host.added', 'alice', {
      name: 'hetzner-1',
      address: '203.0.113.7',
      provider: 'Hetzner',
      location: 'Falkenstein',
      monthlyCost: { amount: 1250, currency: 'EUR' },
    });
    expect(await summarizeStatement(host)).toEqual([
      'alice adds the host hetzner-1 at 203.0.113.7',
      '  provider: Hetzner',
      '  location: Falkenstein',
      '  cost: 12.50 EUR a month',
    ]);
    const policy = structuredClone(DEFAULT_POLICY);
    policy.governance.admission = 1;
    const change = draftStatement('policy.set', 'alice', { policy });
    expect(await summarizeStatement(change, { policy: DEFAULT_POLICY })).toEqual([
      "alice sets the cooperative's policy",
      '  governance.admission: 2 → 1',
    ]);
  });

  it('shows format characters that could reorder the prompt as U+FFFD', async () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE would make "evil" read backwards on a terminal.
    const admitted = draftStatement('member.admitted', 'mallory', {
      handle: 'mallory',
      name: 'Mallory \u202Elive',
      keys: [{ kind: 'age', recipient: formatAgeRecipient(new Uint8Array(32)) }],
    });
    const [first] = await summarizeStatement(admitted);
    expect(first).toBe('mallory asks to be admitted as a member, named "Mallory \uFFFDlive"');
  });
});

describe('proposalMatches', () => {
  it('holds only when the ID is the digest of the statement', () => {
    const part = draftStatement('steward.away', 'alice', { handle: 'alice', away: false });
    const proposal = { id: encodeHex(statementDigest(part)) } as Proposal;
    expect(proposalMatches(proposal, part)).toBe(true);
    expect(proposalMatches(proposal, { ...part, nonce: `${part.nonce.slice(1)}A` })).toBe(false);
  });
});
