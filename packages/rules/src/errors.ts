/**
 * Every rule a statement can break. The names are stable: the server answers them in
 * STATEMENT_REFUSED, and `allmende verify` reports them with the entry that breaks them.
 */
export const RULES = [
  'statement.genesis',
  'statement.actor',
  'signature.invalid',
  'signature.unknown-signer',
  'signature.not-a-member',
  'signature.unknown-key',
  'signature.revoked-key',
  'consent.actor',
  'consent.candidate',
  'consent.vouches',
  'consent.removal',
  'consent.member',
  'consent.key-revocation',
  'consent.policy-change',
  'consent.steward',
  'consent.assignee',
  'consent.handover',
  'member.handle-taken',
  'member.unknown',
  'member.inactive',
  'key.in-use',
  'key.unknown',
  'key.revoked',
  'key.no-signing-key',
  'policy.oversight',
  'service.slug-taken',
  'service.unknown',
  'service.retired',
  'steward.role',
  'host.name-taken',
  'host.unknown',
  'access.no-ticket',
  'access.ticket-closed',
  'access.key',
  'access.duration',
  'access.not-pending',
  'access.digest',
  'access.self-approval',
  'access.approved-twice',
  'access.requester',
  'access.approvals',
  'access.steward',
  'access.no-ca',
  'access.ca-exists',
  'access.serial',
  'access.certificate',
  'access.not-issued',
  'access.revocation-reason',
  'session.certificate',
  'session.revoked',
  'session.validity',
  'session.login',
  'session.id-taken',
  'session.unknown',
  'session.after-end',
  'session.chunk-order',
  'session.totals',
  'host.not-enrolled',
  'host.attested-changes',
  'host.unexplained-change',
  'host.attestation-flag',
] as const;
export type Rule = (typeof RULES)[number];

/** A statement that the rules in force refuse: which rule, and why, in words for people. */
export class RuleViolation extends Error {
  readonly rule: Rule;

  constructor(rule: Rule, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuleViolation';
    this.rule = rule;
  }
}
