import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedBytes, statementNamespace } from '@allmende/protocol';
import { fingerprint, verifySignature } from '@allmende/ssh';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodesOf } from '../../../test/support/error-codes.ts';
import { generateKey, type TestKey } from '../test/support/ssh-keys.ts';
import { CliError } from './cli.ts';
import {
  draftStatement,
  formatStatement,
  parseStatementDocument,
  signStatement,
} from './statements.ts';

const { thrownCode } = errorCodesOf(CliError);
const NAMESPACE = statementNamespace('coop.example/log');

let alice: TestKey;
beforeAll(async () => {
  alice = await generateKey(await mkdtemp(join(tmpdir(), 'allmende-statements-')), 'alice');
});

const away = () =>
  draftStatement('steward.away', 'alice', { handle: 'alice', away: true, until: '2030-01-31' });

describe('draftStatement', () => {
  it('makes a member statement with a fresh nonce', () => {
    const [a, b] = [away(), away()];
    expect(a).toMatchObject({ v: 1, type: 'steward.away', actor: 'member:alice' });
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('names the invalid field', () => {
    expect(() =>
      draftStatement('steward.away', 'alice', { handle: 'alice', away: true, until: '31.01.2030' }),
    ).toThrow(/not a valid steward\.away statement:[\s\S]*body\.until/);
  });
});

describe('parseStatementDocument', () => {
  it('reads a draft, a signed statement, or a proposal around it', async () => {
    const part = away();
    const signature = await signStatement(part, 'alice', NAMESPACE, alice.path);
    const signed = JSON.parse(formatStatement(part, [signature])) as object;
    expect(parseStatementDocument(formatStatement(part), 'd')).toEqual({ part, signatures: [] });
    expect(parseStatementDocument(JSON.stringify(signed), 's')).toEqual({
      part,
      signatures: [signature],
    });
    expect(
      parseStatementDocument(
        JSON.stringify({ id: 'x', statement: { ...signed, time: 'then' } }),
        'p',
      ),
    ).toEqual({ part, signatures: [signature] });
  });

  it('refuses unknown types, server statements and broken JSON', () => {
    const part = away();
    expect(() =>
      parseStatementDocument(JSON.stringify({ ...part, type: 'member.crowned' }), 'f.json'),
    ).toThrow(
      /f\.json has an unknown statement type "member\.crowned" \(known: member\.admitted, .*host\.updated, access\.requested, .*\)/,
    );
    expect(() =>
      parseStatementDocument(JSON.stringify({ ...part, type: 'coop.founded' }), 'f.json'),
    ).toThrow("f.json is a coop.founded statement, which only the cooperative's server makes");
    expect(thrownCode(() => parseStatementDocument('{"type":', 'f.json'))).toBe('CLI_BAD_INPUT');
    expect(thrownCode(() => parseStatementDocument('[]', 'f.json'))).toBe('CLI_BAD_INPUT');
  });

  it('refuses a signature whose SSHSIG armour is cut off', async () => {
    const part = away();
    const signature = await signStatement(part, 'alice', NAMESPACE, alice.path);
    const lines = signature.signature.trim().split('\n');
    const truncated = [...lines.slice(0, -3), lines.at(-1)].join('\n');
    const text = formatStatement(part, [{ ...signature, signature: truncated }]);
    expect(() => parseStatementDocument(text, 'signed.json')).toThrow(
      /signature 1 in signed\.json \(by alice\) is not an SSH signature: /,
    );
  });
});

describe('signStatement', () => {
  it('signs the canonical bytes of the signed part in the statement namespace', async () => {
    const part = away();
    const { kind, signer, signature } = await signStatement(
      part,
      'alice',
      NAMESPACE,
      `${alice.path}.pub`,
    );
    expect([kind, signer]).toEqual(['ssh', 'alice']);
    const { publicKey } = await verifySignature({
      armored: signature,
      message: signedBytes(part),
      namespace: NAMESPACE,
    });
    expect(await fingerprint(publicKey)).toBe(alice.fingerprint);
  });
});
