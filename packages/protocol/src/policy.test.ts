import { generateCosignerKeys, generateNoteKeys } from '@allmende/tlog';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.ts';
import { DEFAULT_POLICY, Policy, witnessPolicy } from './coop.ts';
import {
  decodeStatement,
  encodeStatement,
  isStatementProblem,
  type Statement,
} from './statement.ts';

const genesis = (policy: unknown) =>
  ({
    v: 1,
    type: 'coop.founded',
    time: '2026-11-26T12:00:00.000Z',
    actor: 'coop',
    body: {
      name: 'Beispiel eG',
      origin: 'coop.example/log',
      logKey: 'coop.example/log+12345678+AQ',
      url: 'https://coop.example',
      founders: [],
      policy,
    },
  }) as Statement;

async function witness(name: string, host = `${name}.example`) {
  const { verifierKey } = await generateCosignerKeys(`${host}/witness`);
  return { name, url: `https://${host}/witness`, key: verifierKey };
}

describe('the witnesses of a policy', () => {
  it('are optional: a policy written before them parses, keeps its bytes, and has none', () => {
    const bytes = encodeStatement(genesis(DEFAULT_POLICY));
    if (isStatementProblem(bytes)) throw new Error(bytes.message);
    const decoded = decodeStatement(bytes);
    if (isStatementProblem(decoded) || decoded.type !== 'coop.founded')
      throw new Error('no genesis');
    // Nothing is added on the way through: the signed bytes of old statements stay the same.
    expect(canonicalize(decoded)).toBe(new TextDecoder().decode(bytes));
    expect(decoded.body.policy).not.toHaveProperty('witnesses');
    expect(witnessPolicy(decoded.body.policy)).toEqual({ witnesses: [], quorum: 0 });
  });

  it('name each witness with its URL and cosigner key, and a quorum they can reach', async () => {
    const witnesses = [await witness('Ada'), await witness('Bo')];
    const policy = Policy.parse({ ...DEFAULT_POLICY, witnesses, witnessQuorum: 2 });
    expect(witnessPolicy(policy)).toEqual({ witnesses, quorum: 2 });
    const tooMany = Policy.safeParse({ ...DEFAULT_POLICY, witnesses, witnessQuorum: 3 });
    expect(tooMany.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['witnessQuorum', 'a quorum of 3 needs at least 3 witnesses, the policy names 2'],
    ]);
    const noWitnesses = Policy.safeParse({ ...DEFAULT_POLICY, witnessQuorum: 1 });
    expect(noWitnesses.success).toBe(false);
  });

  it('refuse log keys, malformed keys and URLs, and witnesses named twice', async () => {
    const ada = await witness('Ada');
    const logKey = (await generateNoteKeys('coop.example/log')).verifierKey;
    const cases: [unknown, string][] = [
      [
        [{ ...ada, key: logKey }],
        'a witness key is an Ed25519 cosigner key (type 4), not a log key',
      ],
      [[{ ...ada, key: 'nonsense' }], 'malformed verifier key'],
      [[{ ...ada, url: 'ftp://witness.example' }], 'a witness URL is http(s)'],
      [[{ ...ada, name: ' ' }], 'a witness needs a name'],
      [[ada, { ...(await witness('Bo')), name: 'Ada' }], 'two witnesses have the name Ada'],
      [
        [ada, { ...ada, name: 'Ada again', url: 'https://other.example' }],
        'two witnesses have the key',
      ],
      [[{ ...ada, extra: true }], 'Unrecognized key'],
    ];
    for (const [witnesses, message] of cases) {
      const parsed = Policy.safeParse({ ...DEFAULT_POLICY, witnesses });
      expect(parsed.error?.issues.map((i) => i.message).join('; '), message).toContain(message);
    }
  });
});
