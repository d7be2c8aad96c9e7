/** Every error code that this package throws. */
export const SSH_ERROR_CODES = [
  'SSH_BAD_KEY',
  'SSH_BAD_SIGNATURE',
  'SSH_BAD_ARMOR',
  'SSH_BAD_CERTIFICATE',
  'SSH_BAD_ARGUMENT',
  'SSH_UNSUPPORTED',
  'SSH_CERT_WRONG_CA',
  'SSH_CERT_WRONG_TYPE',
  'SSH_CERT_NOT_YET_VALID',
  'SSH_CERT_EXPIRED',
  'SSH_CERT_NO_PRINCIPALS',
  'SSH_CERT_WRONG_PRINCIPAL',
] as const;

export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

/**
 * The one error type of this package. Every function that takes outside input throws it (and
 * nothing else) when that input is malformed, unsupported or fails verification.
 */
export class SshError extends Error {
  readonly code: SshErrorCode;

  constructor(code: SshErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshError';
    this.code = code;
  }
}
