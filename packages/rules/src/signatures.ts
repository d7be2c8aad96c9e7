import { tryDecodeBase64Url } from '@allmende/bytes';
import {
  signedBytes,
  signedPartOf,
  statementNamespace,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { verifySignature } from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { verifyStoredAssertion } from '@allmende/webauthn';
import { RuleViolation } from './errors.ts';
import type { Prechecks } from './prechecks.ts';
import { type CoopState, type KeyRecord, lookup, newMember, sshKeyId } from './state.ts';

/** Who signed a statement: each signer's handle, with the IDs of the keys they used. */
export type Signers = ReadonlyMap<string, readonly string[]>;

/**
 * Verifies every signature of a member statement against the keys its signers hold in `state`,
 * the state just before the statement. Any signature that fails refuses the whole statement:
 * a server must not be able to pad a statement with signatures that only look like consent.
 *
 * The signatures come from outside (a client, or a log being replayed): each is parsed and
 * checked by the ssh and webauthn packages before anything trusts it.
 *
 * @throws {RuleViolation} signature.* for the first signature that fails.
 */
export async function verifySignatures(
  state: CoopState,
  statement: SubmittedStatement,
): Promise<Signers> {
  const verdicts = await checkEach(state, statement);
  const signers = new Map<string, string[]>();
  for (const [position, signature] of statement.signatures.entries()) {
    const verdict = verdicts[position]!;
    if (verdict.status === 'rejected') throw verdict.reason;
    signers.set(signature.signer, [...(signers.get(signature.signer) ?? []), verdict.value]);
  }
  return signers;
}

/** The signers of a statement the log holds, and the signatures that failed. */
export type RecordedSignatures = {
  /**
   * Everyone who signed, as the statement claims: a signer whose signature failed is listed
   * with no key (so nothing can later revoke that consent), since the log says it was given.
   */
  signers: Signers;
  /** One violation per signature that failed, in the statement's order. */
  faults: RuleViolation[];
};

/**
 * For an audit of the log: checks every signature of a member statement as verifySignatures
 * does, but goes on past a failing one. The claimed consent is taken as given, so that one bad
 * signature is reported once and not again by every later statement that relies on it (an
 * approval signed with a revoked key still counts for its certificate). Never use its signers
 * to accept a new statement: use verifySignatures.
 *
 * @throws {RuleViolation} member.handle-taken for an admission of a handle that is taken.
 */
export async function checkRecordedSignatures(
  state: CoopState,
  statement: SubmittedStatement,
  ahead?: Prechecks,
): Promise<RecordedSignatures> {
  const verdicts = await checkEach(state, statement, ahead);
  const signers = new Map<string, string[]>();
  const faults: RuleViolation[] = [];
  for (const [position, signature] of statement.signatures.entries()) {
    const keys = signers.get(signature.signer) ?? [];
    signers.set(signature.signer, keys);
    const verdict = verdicts[position]!;
    if (verdict.status === 'fulfilled') {
      keys.push(verdict.value);
    } else {
      if (!(verdict.reason instanceof RuleViolation)) throw verdict.reason;
      faults.push(verdict.reason);
    }
  }
  return { signers, faults };
}

/**
 * Checks every signature of the statement at once (each is an asynchronous WebCrypto job, and
 * none depends on another), and gives each verdict in the statement's order: whoever reads
 * them in order sees what checking one after the other would have shown.
 */
function checkEach(
  state: CoopState,
  statement: SubmittedStatement,
  ahead?: Prechecks,
): Promise<PromiseSettledResult<string>[]> {
  const { check } = signatureCheck(state, statement, ahead);
  return Promise.allSettled(statement.signatures.map(check));
}

/**
 * What both checks share: the signed bytes, computed once per statement, and the check of one
 * signature, which returns the ID of the key it was made with. `ahead` holds checks begun
 * before the state reached the statement (RuleAudit.checkAll).
 */
function signatureCheck(
  state: CoopState,
  statement: SubmittedStatement,
  ahead?: Prechecks,
): { check: (signature: StatementSignature, position: number) => Promise<string> } {
  if (statement.type === 'member.admitted' && lookup(state.members, statement.body.handle)) {
    // Said first, or the candidate's signature would read as a stranger using a member's name.
    throw new RuleViolation('member.handle-taken', `the handle ${statement.body.handle} is taken`);
  }
  const message = signedBytes(signedPartOf(statement));
  let digest: Uint8Array | undefined;
  const check = async (signature: StatementSignature, position: number): Promise<string> => {
    const where = `signature ${position + 1} (by ${signature.signer})`;
    const keys = signingKeysOf(state, statement, signature.signer, where);
    if (signature.kind === 'ssh') {
      const namespace = statementNamespace(state.origin);
      let verified;
      try {
        verified = await (ahead?.sshsig(signature, message, namespace) ??
          verifySignature({ armored: signature.signature, message, namespace }));
      } catch (error) {
        throw new RuleViolation('signature.invalid', `${where}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const keyId = sshKeyId(verified.publicKey.blob);
      requireCurrent(keys, keyId, where);
      return keyId;
    }
    const keyId = `passkey:${signature.credentialId}`;
    const key = requireCurrent(keys, keyId, where).key;
    const publicKey = key.kind === 'passkey' ? tryDecodeBase64Url(key.publicKey) : undefined;
    digest ??= sha256(message);
    try {
      await verifyStoredAssertion(
        {
          credentialId: signature.credentialId,
          authenticatorData: signature.authenticatorData,
          clientDataJSON: signature.clientDataJSON,
          signature: signature.signature,
        },
        {
          publicKey: publicKey ?? new Uint8Array(),
          expectedChallenge: digest,
          rpId: new URL(state.url).hostname,
          origins: [state.url],
        },
      );
    } catch (error) {
      throw new RuleViolation('signature.invalid', `${where}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return keyId;
  };
  return { check };
}

/**
 * The keys a signer may sign with: an active member's, or — for an admission — the keys the
 * candidate brings in the statement itself.
 */
function signingKeysOf(
  state: CoopState,
  statement: SubmittedStatement,
  signer: string,
  where: string,
): KeyRecord[] {
  const member = lookup(state.members, signer);
  if (statement.type === 'member.admitted' && signer === statement.body.handle && !member) {
    // Not added yet: the index is the admission's own, unknown until it is appended.
    return newMember(signer, statement.body.name, statement.body.keys, -1).keys;
  }
  if (!member) {
    throw new RuleViolation('signature.unknown-signer', `${where}: there is no member ${signer}`);
  }
  if (member.status !== 'active') {
    throw new RuleViolation(
      'signature.not-a-member',
      `${where}: ${signer} is no longer a member (${member.status})`,
    );
  }
  return member.keys;
}

function requireCurrent(keys: readonly KeyRecord[], keyId: string, where: string): KeyRecord {
  const key = keys.find((k) => k.id === keyId);
  if (!key || key.key.kind === 'age') {
    throw new RuleViolation(
      'signature.unknown-key',
      `${where}: made with ${keyId}, not a key of the signer`,
    );
  }
  if (key.revokedAt !== null) {
    throw new RuleViolation(
      'signature.revoked-key',
      `${where}: made with ${keyId}, which was revoked at entry ${key.revokedAt}`,
    );
  }
  return key;
}
