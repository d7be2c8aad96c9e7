// @allmende/rules: the cooperative's rules as pure functions — the state that the log's
// statements build, the consent each statement needs, and the check of its signatures. The
// server applies them before it appends; anyone replaying the log applies them again.

export {
  accessConsent,
  accessKeyId,
  emptyAccess,
  isAccessCoopStatement,
  requestDigest,
  revocationDue,
  stewardsOfHost,
  verifyIssuedCertificate,
  type AccessApproval,
  type AccessConsentReport,
  type AccessRecord,
  type AccessState,
} from './access.ts';
export { RULES, RuleViolation, type Rule } from './errors.ts';
export {
  accessPolicyForHost,
  activeMember,
  activeMembers,
  currentKeys,
  foundedState,
  isSigningKey,
  keyIdOf,
  lookup,
  oversightGroup,
  responsibleFor,
  sshKeyId,
  type CoopState,
  type HostRecord,
  type KeyRecord,
  type MemberRecord,
  type MemberStatus,
  type ServiceRecord,
  type StewardRecord,
} from './state.ts';
export {
  checkRecordedSignatures,
  verifySignatures,
  type RecordedSignatures,
  type Signers,
} from './signatures.ts';
export {
  applyRecordedStatement,
  applyStatement,
  checkGenesis,
  evaluateStatement,
  type ConsentReport,
} from './apply.ts';
export { replayStatements, type ReplayedEntry } from './replay.ts';
export { RuleAudit, auditStatements, type Violation } from './audit.ts';
export {
  applyOversightStatement,
  emptyOversight,
  isOversightStatement,
  noteCertificate,
  type CertificateRecord,
  type HostActivity,
  type OversightState,
  type OversightStatement,
  type SessionRecord,
} from './oversight.ts';
