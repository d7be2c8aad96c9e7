/** Every error code that this package throws. */
export const WEBAUTHN_ERROR_CODES = [
  'WEBAUTHN_BAD_ARGUMENT',
  'WEBAUTHN_BAD_KEY',
  'WEBAUTHN_UNSUPPORTED',
  'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
  'WEBAUTHN_BAD_CLIENT_DATA',
  'WEBAUTHN_BAD_STORED_ASSERTION',
  'WEBAUTHN_WRONG_TYPE',
  'WEBAUTHN_WRONG_CHALLENGE',
  'WEBAUTHN_WRONG_ORIGIN',
  'WEBAUTHN_CROSS_ORIGIN',
  'WEBAUTHN_WRONG_RP',
  'WEBAUTHN_USER_NOT_PRESENT',
  'WEBAUTHN_USER_NOT_VERIFIED',
  'WEBAUTHN_BAD_SIGNATURE',
] as const;

export type WebAuthnErrorCode = (typeof WEBAUTHN_ERROR_CODES)[number];

/**
 * The one error type of this package. Every function that takes outside input throws it (and
 * nothing else) when that input is malformed, unsupported or fails verification.
 */
export class WebAuthnError extends Error {
  readonly code: WebAuthnErrorCode;

  constructor(code: WebAuthnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebAuthnError';
    this.code = code;
  }
}
