import { z } from 'zod';
import {
  DisplayName,
  Handle,
  HostName,
  KeyId,
  MemberKey,
  MonthlyCost,
  Policy,
  Sensitivity,
  ServiceSlug,
  ServiceStatus,
  StatementSignature,
} from './coop.ts';
import { StewardRole, SubmittedStatement } from './statement.ts';

/**
 * JSON shapes of the cooperative's API (members, keys, services, hosts, policies, statements,
 * proposals, invitations), shared by the server, the CLI and the web app. Log indexes say when
 * something took effect: the entry that did it.
 */

const Index = z.number().int().min(0);
const HexDigest = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 digest in hex' });
export const Email = z.email().max(254);

export const KeyInfo = z.object({
  id: KeyId,
  key: MemberKey,
  addedAt: Index,
  revokedAt: Index.nullable(),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const MemberStatus = z.enum(['active', 'left', 'removed']);
export const MemberInfo = z.object({
  handle: Handle,
  name: DisplayName,
  status: MemberStatus,
  admittedAt: Index,
  leftAt: Index.nullable(),
  away: z.boolean(),
  awayUntil: z.string().nullable(),
  keys: z.array(KeyInfo),
  services: z.array(z.object({ slug: ServiceSlug, role: StewardRole })),
  /** Contact data: only for signed-in members. */
  email: Email.nullable().optional(),
});
export type MemberInfo = z.infer<typeof MemberInfo>;
export const MemberList = z.object({ members: z.array(MemberInfo) });

export const ServiceInfo = z.object({
  slug: ServiceSlug,
  name: z.string(),
  description: z.string(),
  sensitivity: Sensitivity,
  status: ServiceStatus,
  addresses: z.array(z.string()),
  docPage: z.string().nullable(),
  hosts: z.array(HostName),
  stewards: z.array(z.object({ handle: Handle, role: StewardRole, away: z.boolean() })),
  /** Who answers now: the first steward who is not away, else the first deputy who is not. */
  responsible: Handle.nullable(),
  createdAt: Index,
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;
export const ServiceList = z.object({ services: z.array(ServiceInfo) });

export const HostInfo = z.object({
  name: HostName,
  address: z.string(),
  provider: z.string(),
  location: z.string(),
  monthlyCost: MonthlyCost,
  services: z.array(ServiceSlug),
  addedAt: Index,
});
export type HostInfo = z.infer<typeof HostInfo>;
export const HostList = z.object({ hosts: z.array(HostInfo) });

export const PolicyInfo = z.object({ policy: Policy, setAt: Index });
export type PolicyInfo = z.infer<typeof PolicyInfo>;

/** The cooperative at a glance. */
export const CoopInfo = z.object({
  name: z.string(),
  origin: z.string(),
  url: z.string(),
  /** The SSHSIG namespace of statements: `ssh-keygen -Y sign -n <namespace>`. */
  namespace: z.string(),
  members: z.number().int(),
  services: z.number().int(),
  hosts: z.number().int(),
  logSize: Index,
});
export type CoopInfo = z.infer<typeof CoopInfo>;

export const StatementReceipt = z.object({ index: Index, digest: HexDigest });
export type StatementReceipt = z.infer<typeof StatementReceipt>;

/** What a statement still needs before the rules accept it. */
/**
 * One condition of consent not met yet: a count of signatures (`have` of `need`), or the
 * signature of one of `signers`; `text` says it in English, `rule` lets clients say it in theirs.
 */
export const MissingConsent = z.object({
  rule: z.string(),
  text: z.string(),
  have: z.number().int().optional(),
  need: z.number().int().optional(),
  signers: z.array(Handle).optional(),
});
export type MissingConsent = z.infer<typeof MissingConsent>;

export const Consent = z.object({
  satisfied: z.boolean(),
  missing: z.array(MissingConsent),
  signers: z.array(Handle),
});
export type Consent = z.infer<typeof Consent>;

/**
 * A statement that collects signatures: created with at least its actor's signature, appended
 * by the server the moment the rules accept it.
 */
export const Proposal = z.object({
  id: HexDigest,
  statement: SubmittedStatement,
  consent: Consent,
  status: z.enum(['open', 'logged', 'withdrawn']),
  /** The log entry, once logged. */
  index: Index.nullable(),
  createdAt: z.string(),
});
export type Proposal = z.infer<typeof Proposal>;
export const ProposalList = z.object({ proposals: z.array(Proposal) });

export const NewProposal = z.object({
  statement: SubmittedStatement,
  /** For an admission: the candidate's e-mail address, kept private. */
  email: Email.optional(),
});
export const AddSignature = z.object({ signature: StatementSignature });

export const Invitation = z.object({
  id: z.string(),
  /** Null for the cooperative's founding invitation, by which its first member joins. */
  invitedBy: Handle.nullable(),
  note: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** The handle that answered it, once its admission is logged. */
  usedBy: Handle.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationList = z.object({ invitations: z.array(Invitation) });
export const NewInvitation = z.object({ note: z.string().max(500).default('') });
/** The code is shown once, to the member who invites; the server keeps only its digest. */
export const CreatedInvitation = Invitation.extend({ code: z.string(), url: z.string() });
export type CreatedInvitation = z.infer<typeof CreatedInvitation>;
/** What a candidate sees with a code: who invited them. */
export const InvitationCheck = z.object({
  invitedBy: Handle.nullable(),
  invitedByName: z.string(),
  coop: z.string(),
  /** SHA-256 (hex) of the code: goes into the admission statement's body. */
  digest: HexDigest,
});
