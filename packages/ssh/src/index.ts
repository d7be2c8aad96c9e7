// @allmende/ssh: SSH wire formats — OpenSSH public keys, SSHSIG signatures and OpenSSH
// certificates, ssh-ed25519 only. Pure functions without I/O and without dependencies, for Node
// and the browser.

export {
  MAX_CERTIFICATE_LINE,
  SSH_ED25519_CERT,
  parseCertificate,
  parseCertificateBlob,
  verifyCertificate,
  type CertificateRequirements,
  type SshCertificate,
  type SshCertificateType,
} from './certificate.ts';
export { SSH_ERROR_CODES, SshError, type SshErrorCode } from './errors.ts';
export {
  MAX_PUBLIC_KEY_LINE,
  SSH_ED25519,
  fingerprint,
  formatPublicKey,
  parsePublicKey,
  parsePublicKeyBlob,
  type SshPublicKey,
} from './public-key.ts';
export {
  MAX_ARMORED_SIGNATURE,
  formatSignature,
  parseSignature,
  signedDataFor,
  verifySignature,
  type HashAlgorithm,
  type SshSignature,
  type VerifiedSignature,
} from './sshsig.ts';
