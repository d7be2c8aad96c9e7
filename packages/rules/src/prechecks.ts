import { bytesEqual } from '@allmende/bytes';
import {
  isMemberStatement,
  signedBytes,
  signedPartOf,
  statementNamespace,
  type Statement,
  type StatementOf,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { verifySignature, type VerifiedSignature } from '@allmende/ssh';
import { verifyCertificateBy } from './access.ts';

// What a signature verifies to depends only on its bytes, the signed message, the namespace and
// (for a certificate) the CA's key — not on the state. Which key its signer held at the moment
// does, and stays with the replay. So a replay can begin the cryptographic checks of the
// statements ahead of it (RuleAudit.checkAll), and WebCrypto works on them while the rules of
// earlier statements run; the replay then takes each verdict where it would have verified.

type SshPrecheck = {
  readonly armored: string;
  readonly namespace: string;
  readonly message: Uint8Array;
  readonly verdict: Promise<VerifiedSignature>;
};

type CertificatePrecheck = {
  readonly ca: string;
  readonly certificate: string;
  readonly verdict: Promise<void>;
};

/**
 * Checks begun ahead of the replay, by the signature or certificate they are of. A replay uses
 * one only if it was begun with exactly the inputs that the replay has at that statement (the
 * armoured signature, namespace and signed bytes; the CA's key and the certificate line), so
 * that its verdict is the one a check at that moment would give; otherwise the replay checks
 * afresh. A guess that turns out wrong (a CA announced in between) costs time, never a verdict.
 */
export class Prechecks {
  readonly #ssh = new WeakMap<StatementSignature, SshPrecheck>();
  readonly #certificates = new WeakMap<object, CertificatePrecheck>();

  /**
   * Begins the checks of the statement's SSH signatures in the namespace of `origin`, and of
   * a `cert.issued`'s CA signature against `ca` (no check without one). Never throws: whatever
   * fails here, the replay finds when it checks the statement itself.
   */
  begin(statement: Statement, origin: string, ca: string | null): void {
    try {
      if (isMemberStatement(statement)) this.#beginSignatures(statement, origin);
      if (statement.type === 'cert.issued' && ca !== null) {
        const { certificate } = statement.body;
        this.#certificates.set(statement.body, {
          ca,
          certificate,
          verdict: settledLater(verifyCertificateBy(ca, certificate)),
        });
      }
    } catch {
      // The replay checks the statement afresh and reports what went wrong.
    }
  }

  #beginSignatures(statement: SubmittedStatement, origin: string): void {
    let message: Uint8Array | undefined;
    const namespace = statementNamespace(origin);
    for (const signature of statement.signatures) {
      if (signature.kind !== 'ssh') continue;
      message ??= signedBytes(signedPartOf(statement));
      const armored = signature.signature;
      this.#ssh.set(signature, {
        armored,
        namespace,
        message,
        verdict: settledLater(verifySignature({ armored, message, namespace })),
      });
    }
  }

  /** The verdict begun for this SSH signature with these inputs, or undefined. */
  sshsig(
    signature: StatementSignature & { kind: 'ssh' },
    message: Uint8Array,
    namespace: string,
  ): Promise<VerifiedSignature> | undefined {
    const begun = this.#ssh.get(signature);
    if (
      begun === undefined ||
      begun.armored !== signature.signature ||
      begun.namespace !== namespace ||
      !bytesEqual(begun.message, message)
    ) {
      return undefined;
    }
    return begun.verdict;
  }

  /** The verdict begun for this certificate against this CA, or undefined. */
  certificate(body: StatementOf<'cert.issued'>['body'], ca: string): Promise<void> | undefined {
    const begun = this.#certificates.get(body);
    if (begun === undefined || begun.ca !== ca || begun.certificate !== body.certificate) {
      return undefined;
    }
    return begun.verdict;
  }
}

/**
 * A verdict that nobody may await (the replay can stop first, at an error that is not a
 * rule's): marked as handled, so that its rejection is not reported as unhandled. Whoever
 * awaits it still gets the rejection.
 */
function settledLater<T>(verdict: Promise<T>): Promise<T> {
  verdict.catch(() => {});
  return verdict;
}
