import { z } from 'zod';
import { AccessPolicy, Handle, HostName } from './coop.ts';
import {
  AccessApproved,
  AccessDenied,
  AccessRequested,
  AccessWithdrawn,
  SshFingerprint,
} from './statement.ts';
import { Login } from './session.ts';

/**
 * JSON shapes of the access API (`/api/access/*`): requests for privileged access to a host, the
 * approvals they collect and the certificates the CA issues for them. A request is named by the
 * log index of its `access.requested` entry.
 */

const Index = z.number().int().min(0);
const HexDigest = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 digest in hex' });

/** Signed statements as clients submit them: the server adds only the time. */
export const SubmittedAccessRequest = AccessRequested.omit({ time: true });
export type SubmittedAccessRequest = z.infer<typeof SubmittedAccessRequest>;
export const SubmittedAccessApproval = AccessApproved.omit({ time: true });
export type SubmittedAccessApproval = z.infer<typeof SubmittedAccessApproval>;
export const SubmittedAccessDenial = AccessDenied.omit({ time: true });
export type SubmittedAccessDenial = z.infer<typeof SubmittedAccessDenial>;
export const SubmittedAccessWithdrawal = AccessWithdrawn.omit({ time: true });
export type SubmittedAccessWithdrawal = z.infer<typeof SubmittedAccessWithdrawal>;

/**
 * Where a request stands: waiting for approvals (`pending`), certified (`issued`), or closed —
 * denied, withdrawn by its requester, expired unanswered, or its certificate revoked.
 */
export const ACCESS_STATUSES = [
  'pending',
  'issued',
  'denied',
  'withdrawn',
  'expired',
  'revoked',
] as const;
export const AccessStatus = z.enum(ACCESS_STATUSES);
export type AccessStatus = z.infer<typeof AccessStatus>;

export const AccessApprovalInfo = z.object({
  handle: Handle,
  /** The log index of the `access.approved` entry. */
  index: Index,
  at: z.string(),
  /** Whether it counts now: its signer is still a member and their key is not revoked. */
  counts: z.boolean(),
});

export const AccessCertificateInfo = z.object({
  serial: z.number().int().min(1),
  keyId: z.string(),
  principal: Login,
  validAfter: z.string(),
  validBefore: z.string(),
  /** SHA-256 (hex) of the certificate's blob. */
  digest: HexDigest,
  /** The certificate line (public: it holds no secret), for `<key>-cert.pub`. */
  certificate: z.string(),
  issuedIndex: Index,
  revokedIndex: Index.nullable(),
  revokeReason: z.string().nullable(),
});
export type AccessCertificateInfo = z.infer<typeof AccessCertificateInfo>;

/** What a pending request still needs before the CA certifies it, in words for people. */
export const AccessConsent = z.object({
  satisfied: z.boolean(),
  /** Approvals the policy of the host requires, and how many count so far. */
  need: z.number().int().min(0),
  have: z.number().int().min(0),
  /** Stewards or deputies of the host's services, one of whom must approve (empty: nobody). */
  stewards: z.array(Handle),
  missing: z.array(z.string()),
});
export type AccessConsent = z.infer<typeof AccessConsent>;

export const AccessRequest = z.object({
  id: Index,
  /** SHA-256 (hex) of the request's signed part: what approvals name. */
  digest: HexDigest,
  /** The request as its requester signed it, for anyone to check before approving. */
  statement: SubmittedAccessRequest,
  requester: Handle,
  host: HostName,
  login: Login,
  minutes: z.number().int(),
  ticket: z.number().int(),
  reason: z.string(),
  command: z.string().nullable(),
  key: SshFingerprint,
  publicKey: z.string(),
  status: AccessStatus,
  createdAt: z.string(),
  approvals: z.array(AccessApprovalInfo),
  denial: z.object({ handle: Handle, index: Index, reason: z.string().nullable() }).nullable(),
  /** The entry that closed it (denial, withdrawal, expiry or revocation), if one did. */
  closedIndex: Index.nullable(),
  /** The access policy in force for the host (of its most sensitive service). */
  policy: AccessPolicy,
  consent: AccessConsent,
  certificate: AccessCertificateInfo.nullable(),
});
export type AccessRequest = z.infer<typeof AccessRequest>;
export const AccessRequestList = z.object({ requests: z.array(AccessRequest) });
export type AccessRequestList = z.infer<typeof AccessRequestList>;

export const AccessRequestQuery = z.object({
  status: AccessStatus.optional(),
  /** `open`: pending requests and issued certificates that still hold. */
  open: z.enum(['1']).optional(),
  host: HostName.optional(),
  requester: Handle.optional(),
  ticket: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AccessRequestQuery = z.infer<typeof AccessRequestQuery>;
