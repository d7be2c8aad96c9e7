import { encodeBase64Url, toArrayBufferView, tryDecodeBase64Url } from '@allmende/bytes';
import { statementDigest, type SignedPart, type StatementSignature } from '@allmende/protocol';

export type SigningProblem = 'cancelled' | 'unsupported' | 'no-passkey' | 'failed';

export class SigningError extends Error {
  readonly problem: SigningProblem;
  constructor(problem: SigningProblem, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SigningError';
    this.problem = problem;
  }
}

/** The time a person has to answer their authenticator. */
const CEREMONY_TIMEOUT_MS = 180_000;

/**
 * Signs a statement with one of the member's passkeys: a WebAuthn assertion whose challenge is
 * the statement's digest (the contract's passkey signature), with user verification, so that
 * the signature shows the member was present and agreed. The assertion is kept whole; anyone
 * can check it later against the passkey's COSE key in the log.
 *
 * @throws {SigningError} `cancelled` when the member declines or the ceremony times out,
 *   `unsupported` without WebAuthn, `no-passkey` without a passkey to use, `failed` otherwise.
 */
export async function signWithPasskey(
  part: SignedPart,
  signer: string,
  credentialIds: readonly string[],
): Promise<StatementSignature> {
  if (typeof PublicKeyCredential === 'undefined' || !navigator.credentials) {
    throw new SigningError('unsupported', 'this browser has no WebAuthn');
  }
  const allowCredentials = credentialIds.flatMap((id) => {
    const bytes = tryDecodeBase64Url(id);
    return bytes ? [{ type: 'public-key' as const, id: toArrayBufferView(bytes) }] : [];
  });
  if (allowCredentials.length === 0) {
    throw new SigningError('no-passkey', `${signer} has no passkey to sign with`);
  }
  let credential: Credential | null;
  try {
    credential = await navigator.credentials.get({
      publicKey: {
        challenge: toArrayBufferView(statementDigest(part)),
        allowCredentials,
        userVerification: 'required',
        timeout: CEREMONY_TIMEOUT_MS,
      },
    });
  } catch (error) {
    // WebAuthn reports a refusal, a timeout and an unknown passkey alike, on purpose.
    if (error instanceof DOMException && ['NotAllowedError', 'AbortError'].includes(error.name)) {
      throw new SigningError('cancelled', error.message, { cause: error });
    }
    throw new SigningError('failed', (error as Error).message, { cause: error });
  }
  if (
    !(credential instanceof PublicKeyCredential) ||
    !(credential.response instanceof AuthenticatorAssertionResponse)
  ) {
    throw new SigningError('failed', 'the authenticator answered with something else');
  }
  const { response } = credential;
  const base64url = (buffer: ArrayBuffer) => encodeBase64Url(new Uint8Array(buffer));
  return {
    kind: 'passkey',
    signer,
    credentialId: base64url(credential.rawId),
    authenticatorData: base64url(response.authenticatorData),
    clientDataJSON: base64url(response.clientDataJSON),
    signature: base64url(response.signature),
  };
}

/** A ceremony's failure as a SigningError, whatever threw it (also @simplewebauthn/browser). */
export function signingErrorOf(error: unknown): SigningError {
  if (error instanceof SigningError) return error;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (
    (cause instanceof DOMException || cause instanceof Error) &&
    ['NotAllowedError', 'AbortError'].includes(cause.name)
  ) {
    return new SigningError('cancelled', cause.message, { cause: error });
  }
  return new SigningError('failed', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
