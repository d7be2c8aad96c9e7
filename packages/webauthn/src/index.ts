// @allmende/webauthn: an offline verifier of WebAuthn assertions — a member's passkey signature
// of a statement, whose challenge is the statement's digest — and of the COSE credential
// public keys registered for members. Pure functions without I/O, for Node and the browser.

export { WEBAUTHN_ERROR_CODES, WebAuthnError, type WebAuthnErrorCode } from './errors.ts';
export {
  COSE_ALG_EDDSA,
  COSE_ALG_ES256,
  COSE_ALG_RS256,
  parseCoseKey,
  type CoseAlgorithm,
  type CoseKey,
} from './cose-key.ts';
export {
  parseAuthenticatorData,
  type AttestedCredentialData,
  type AuthenticatorData,
  type AuthenticatorFlags,
} from './authenticator-data.ts';
export { verifyAssertion, type AssertionToVerify, type VerifiedAssertion } from './assertion.ts';
export {
  parseStoredAssertion,
  verifyStoredAssertion,
  type StoredAssertion,
} from './stored-assertion.ts';
