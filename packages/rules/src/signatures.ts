import { tryDecodeBase64Url } from '@allmende/bytes';
import {
  signedBytes,
  signedPartOf,
  statementNamespace,
  type SubmittedStatement,
} from '@allmende/protocol';
import { verifySignature } from '@allmende/ssh';
import { sha256 } from '@allmende/tlog';
import { verifyStoredAssertion } from '@allmende/webauthn';
import { RuleViolation } from './errors.ts';
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
  if (statement.type === 'member.admitted' && lookup(state.members, statement.body.handle)) {
    // Said first, or the candidate's signature would read as a stranger using a member's name.
    throw new RuleViolation('member.handle-taken', `the handle ${statement.body.handle} is taken`);
  }
  const message = signedBytes(signedPartOf(statement));
  const digest = sha256(message);
  const signers = new Map<string, string[]>();
  for (const [position, signature] of statement.signatures.entries()) {
    const where = `signature ${position + 1} (by ${signature.signer})`;
    const keys = signingKeysOf(state, statement, signature.signer, where);
    let keyId: string;
    if (signature.kind === 'ssh') {
      let verified;
      try {
        verified = await verifySignature({
          armored: signature.signature,
          message,
          namespace: statementNamespace(state.origin),
        });
      } catch (error) {
        throw new RuleViolation('signature.invalid', `${where}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      keyId = sshKeyId(verified.publicKey.blob);
      requireCurrent(keys, keyId, where);
    } else {
      keyId = `passkey:${signature.credentialId}`;
      const key = requireCurrent(keys, keyId, where).key;
      const publicKey = key.kind === 'passkey' ? tryDecodeBase64Url(key.publicKey) : undefined;
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
    }
    signers.set(signature.signer, [...(signers.get(signature.signer) ?? []), keyId]);
  }
  return signers;
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
