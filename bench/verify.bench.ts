/**
 * The verify benchmark (issue "Distributed oversight", "Speed"): the audit that
 * `allmende verify` runs (RuleAudit, packages/rules) over a log of 1,000,000 statements of the
 * real mix of guarded administration (bench/access-log.ts), and in the same run, on the same
 * statements, plain verification of the same signatures with the same library (@allmende/ssh,
 * @allmende/webauthn) — the part of the audit that no replay can avoid. The log is written
 * through the log service onto a tmpfs, since its writing is not what is measured here.
 *
 * The log is read back in pages; each page is decoded, then its signatures are checked alone,
 * then it is audited as `allmende verify` does (RuleAudit.checkAll, which verifies signatures
 * ahead of the replay), then audited again one entry after the other (RuleAudit.check), so that
 * all three see the same bytes under the same conditions.
 */
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { tryDecodeBase64Url } from '@allmende/bytes';
import {
  isMemberStatement,
  signedBytes,
  signedPartOf,
  statementNamespace,
  type MemberKey,
  type Statement,
} from '@allmende/protocol';
import { RuleAudit } from '@allmende/rules';
import { loadConfig, openCooperative } from '@allmende/server';
import {
  parseCertificate,
  parsePublicKey,
  verifyCertificate,
  verifySignature,
  type SshPublicKey,
} from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { verifyStoredAssertion } from '@allmende/webauthn';
import { createTestStore } from '../apps/server/test/harness.ts';
import { testMember } from '../test/support/members.ts';
import { SimulatedClock, writeAccessLog } from './access-log.ts';

const SIZE = Number(process.env.ALLMENDE_BENCH_VERIFY_SIZE ?? 1_000_000);
const PAGE = 10_000;
/** Where the log is written: memory-backed, so that fsync does not pace the writing. */
const STORE_PARENT = '/dev/shm';

export type VerifyFigures = {
  statements: number;
  byType: Record<string, number>;
  writeSeconds: number;
  /** Reading the entries back from the database and decoding them (schema included). */
  readAndDecodeSeconds: number;
  /** Statement signatures (SSHSIG and passkey) and CA signatures on certificates. */
  statementSignatures: number;
  certificateSignatures: number;
  signaturesOnlySeconds: number;
  signaturesOnlyStatementsPerSecond: number;
  /** RuleAudit.checkAll on each page, as `allmende verify` replays (signatures checked ahead). */
  auditSeconds: number;
  auditStatementsPerSecond: number;
  /** auditSeconds / signaturesOnlySeconds; the target is at most 1.5. */
  auditToSignaturesRatio: number;
  /** RuleAudit.check on one entry after the other (the web app's replay). */
  auditOneByOneSeconds: number;
  auditOneByOneStatementsPerSecond: number;
  violations: number;
  heapUsedMB: number;
};

export async function benchVerify(say: (line: string) => void): Promise<VerifyFigures> {
  const store = await createTestStore('sqlite', STORE_PARENT);
  try {
    const config = await loadConfig({ dataDir: store.dataDir }, {});
    const clock = new SimulatedClock();
    const members = ['ada', 'bob', 'cy', 'dee', 'eve'].map((h) => testMember(h));
    const recipient = await identityToRecipient(await generateX25519Identity());
    const coop = await openCooperative(config, {
      now: clock.now,
      founders: members.map((m, i) => ({
        handle: m.handle,
        name: m.name,
        keys: i === 0 ? [m.key, { kind: 'age' as const, recipient }] : [m.key],
      })),
    });
    try {
      say(`  writing a log of ${SIZE.toLocaleString('en')} statements …`);
      let began = performance.now();
      const { byType } = await writeAccessLog(coop, clock, members, SIZE);
      const writeSeconds = (performance.now() - began) / 1000;
      const statements = coop.log.size;
      say(`  written in ${writeSeconds.toFixed(0)} s: ${JSON.stringify(byType)}`);

      const audit = new RuleAudit();
      const oneByOne = new RuleAudit();
      const alone = new SignatureChecks();
      let readAndDecode = 0;
      let signaturesOnly = 0;
      let audited = 0;
      let auditedOneByOne = 0;
      for (let start = 0; start < statements; start += PAGE) {
        began = performance.now();
        const page = (await coop.log.entries(start, start + PAGE)).map(({ index, statement }) => ({
          index,
          statement,
        }));
        readAndDecode += performance.now() - began;
        began = performance.now();
        for (const { statement } of page) await alone.check(statement);
        signaturesOnly += performance.now() - began;
        began = performance.now();
        await audit.checkAll(page);
        audited += performance.now() - began;
        began = performance.now();
        for (const entry of page) await oneByOne.check(entry);
        auditedOneByOne += performance.now() - began;
        if ((start / PAGE) % 20 === 19) {
          say(
            `  ${(start + PAGE).toLocaleString('en')}: signatures ${(signaturesOnly / 1000).toFixed(1)} s, audit ${(audited / 1000).toFixed(1)} s, one by one ${(auditedOneByOne / 1000).toFixed(1)} s`,
          );
        }
      }
      for (const violation of audit.violations.slice(0, 5)) {
        say(`  violation at ${violation.index} (${violation.rule}): ${violation.message}`);
      }
      if (JSON.stringify(oneByOne.violations) !== JSON.stringify(audit.violations)) {
        throw new Error('checkAll and check one by one found different violations');
      }
      return {
        statements,
        byType,
        writeSeconds: round(writeSeconds, 1),
        readAndDecodeSeconds: round(readAndDecode / 1000, 2),
        statementSignatures: alone.statementSignatures,
        certificateSignatures: alone.certificateSignatures,
        signaturesOnlySeconds: round(signaturesOnly / 1000, 2),
        signaturesOnlyStatementsPerSecond: Math.round(statements / (signaturesOnly / 1000)),
        auditSeconds: round(audited / 1000, 2),
        auditStatementsPerSecond: Math.round(statements / (audited / 1000)),
        auditToSignaturesRatio: round(audited / signaturesOnly, 2),
        auditOneByOneSeconds: round(auditedOneByOne / 1000, 2),
        auditOneByOneStatementsPerSecond: Math.round(statements / (auditedOneByOne / 1000)),
        violations: audit.violations.length,
        heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      };
    } finally {
      await coop.close();
    }
  } finally {
    await store.cleanup();
  }
}

/**
 * The signatures the audit checks, checked alone as any verifier must: each statement
 * signature over the statement's signed bytes (SSHSIG against the key it names; a passkey's
 * assertion against the key the log gave it), each certificate against the CA's key. No
 * state, no rules: the keys are taken from the statements that bring them.
 */
class SignatureChecks {
  statementSignatures = 0;
  certificateSignatures = 0;
  #namespace = '';
  #url = '';
  #ca: SshPublicKey | undefined;
  readonly #passkeys = new Map<string, Uint8Array>();

  async check(statement: Statement): Promise<void> {
    if (statement.type === 'coop.founded') {
      this.#namespace = statementNamespace(statement.body.origin);
      this.#url = statement.body.url;
      for (const founder of statement.body.founders) this.#learn(founder.keys);
      return;
    }
    if (statement.type === 'ca.created') {
      this.#ca = parsePublicKey(statement.body.key);
      return;
    }
    if (statement.type === 'cert.issued') {
      const cert = parseCertificate(statement.body.certificate);
      await verifyCertificate(cert, { caKey: this.#ca, type: 'user' });
      this.certificateSignatures += 1;
      return;
    }
    if (!isMemberStatement(statement)) return;
    if (statement.type === 'member.admitted') this.#learn(statement.body.keys);
    if (statement.type === 'key.added') this.#learn([statement.body.key]);
    const message = signedBytes(signedPartOf(statement));
    for (const signature of statement.signatures) {
      if (signature.kind === 'ssh') {
        await verifySignature({
          armored: signature.signature,
          message,
          namespace: this.#namespace,
        });
      } else {
        await verifyStoredAssertion(
          {
            credentialId: signature.credentialId,
            authenticatorData: signature.authenticatorData,
            clientDataJSON: signature.clientDataJSON,
            signature: signature.signature,
          },
          {
            publicKey: this.#passkeys.get(signature.credentialId) ?? new Uint8Array(),
            expectedChallenge: sha256(message),
            rpId: new URL(this.#url).hostname,
            origins: [this.#url],
          },
        );
      }
      this.statementSignatures += 1;
    }
  }

  #learn(keys: readonly MemberKey[]): void {
    for (const key of keys) {
      if (key.kind !== 'passkey') continue;
      const publicKey = tryDecodeBase64Url(key.publicKey);
      if (publicKey) this.#passkeys.set(key.credentialId, publicKey);
    }
  }
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
