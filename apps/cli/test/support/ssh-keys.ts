// Moved to test/support/ssh-keygen.ts, which the server's tests share.
export {
  describeCertificate,
  generateKey,
  revokedByKrl,
  type TestKey,
} from '../../../../test/support/ssh-keygen.ts';
