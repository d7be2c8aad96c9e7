import { DEFAULT_POLICY, type Policy } from '@allmende/protocol';
import { generateCosignerKeys } from '@allmende/tlog';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { formatPolicy, parsePolicy } from './policy.ts';

describe('policy show and policy set', () => {
  it('write the witnesses as TOML tables that read back, and leave them out when there are none', async () => {
    const { verifierKey } = await generateCosignerKeys('witness.example/w1');
    const policy: Policy = {
      ...DEFAULT_POLICY,
      witnesses: [{ name: 'Nachbar eG', url: 'https://witness.example/w1', key: verifierKey }],
      witnessQuorum: 1,
    };
    const text = formatPolicy(policy, 7);
    expect(text).toContain('\nwitnessQuorum = 1\n');
    expect(text).toContain(
      `\n[[witnesses]]\nname = "Nachbar eG"\nurl = "https://witness.example/w1"\nkey = "${verifierKey}"\n`,
    );
    expect(parsePolicy(parse(text), 'policy.toml')).toEqual(policy);

    const plain = formatPolicy(DEFAULT_POLICY);
    expect(plain).toContain('# witnesses: none');
    const read = parsePolicy(parse(plain), 'policy.toml');
    expect(read).toEqual(DEFAULT_POLICY);
    expect(read).not.toHaveProperty('witnesses');
  });

  it('refuse a quorum beyond the witnesses, naming the field', () => {
    expect(() => parsePolicy({ ...DEFAULT_POLICY, witnessQuorum: 1 }, 'policy.toml')).toThrow(
      'policy.toml is not a valid policy:\n✖ a quorum of 1 needs at least 1 witnesses, the policy names 0\n  → at witnessQuorum',
    );
  });
});
