import { encodeBase64Url } from '@allmende/bytes';
import { sha256 } from '@allmende/tlog';
import { z } from 'zod';
import { canonicalize } from './canonical-json.ts';
import {
  DisplayName,
  HANDLE_PATTERN,
  Handle,
  HostName,
  KeyId,
  MemberKey,
  MonthlyCost,
  Nonce,
  Policy,
  Sensitivity,
  ServiceAddress,
  SshPublicKeyLine,
  ServiceSlug,
  ServiceStatus,
  StatementSignature,
  WikiPath,
  humanText,
} from './coop.ts';
import {
  AttestedFile,
  CommandLine,
  FileDigest,
  Login,
  MAX_ATTESTED_FILES,
  SessionEndReason,
  SessionId,
  SessionKind,
  Sha256Hex,
} from './session.ts';

/**
 * A statement is one entry of the public log: canonical JSON (RFC 8785) of a typed record.
 * Statements carry digests of private data, never the data itself (DESIGN.md, "The log").
 */

/** C2SP tlog-tiles entry bundles prefix each entry with a uint16 length. */
export const MAX_STATEMENT_BYTES = 65_535;
export const MAX_NOTICE_CHARS = 10_000;

/** Who makes a statement: the cooperative itself (its server), or later a member or host. */
export const Actor = z.string().regex(/^(coop|(member|host):[a-z0-9][a-z0-9._-]{0,63})$/, {
  message: 'an actor is "coop", "member:<handle>" or "host:<name>"',
});

/** A log origin per C2SP tlog-checkpoint: a schema-less URL such as `coop.example/log`. */
export const Origin = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)*$/, {
    message: 'an origin is a host name and path without scheme, e.g. coop.example/log',
  });

const envelope = {
  v: z.literal(1),
  time: z.iso.datetime({ offset: false, precision: 3 }),
};

/** A statement the server makes on its own authority: the genesis, notices. */
function coopStatement<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.strictObject({ ...envelope, actor: z.literal('coop'), type: z.literal(type), body });
}

export const MemberActor = z.string().regex(new RegExp(`^member:${HANDLE_PATTERN}$`), {
  message: 'a member statement\'s actor is "member:<handle>"',
});

/**
 * A statement of members' consent: the signed part is `{v, type, actor, nonce, body}` (see
 * signedPartOf), and each signature is over exactly that. The server adds only the time.
 */
function memberStatement<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.strictObject({
    ...envelope,
    actor: MemberActor,
    type: z.literal(type),
    nonce: Nonce,
    body,
    signatures: z.array(StatementSignature).min(1).max(32),
  });
}

const Founder = z.strictObject({
  handle: Handle,
  name: DisplayName,
  keys: z.array(MemberKey).min(1).max(8),
});

export const CoopFounded = coopStatement(
  'coop.founded',
  z.strictObject({
    name: z.string().min(1).max(200),
    origin: Origin,
    /** The note verifier key of the log, so the genesis names the key that signs its checkpoints. */
    logKey: z.string().min(1).max(500),
    /**
     * The web app's origin (scheme, host, port): passkey signatures are bound to it, and anyone
     * who checks them later needs to know it.
     */
    url: z.url({ protocol: /^https?$/ }).max(300),
    founders: z.array(Founder).max(50),
    policy: Policy,
  }),
);

export const Notice = coopStatement(
  'notice',
  z.strictObject({
    text: z.string().max(MAX_NOTICE_CHARS).regex(/\S/, { message: 'a notice needs some text' }),
  }),
);

/** The longest ticket title; the log carries it for public tickets. */
export const MAX_TICKET_TITLE_CHARS = 200;

/**
 * A help desk ticket was opened. The server asserts it; the body carries the SHA-256 (hex) of
 * the canonical JSON of `{title, body}` and, for a public ticket only, its title — never the
 * requester, never private text.
 */
export const TicketOpened = coopStatement(
  'ticket.opened',
  z
    .strictObject({
      ticket: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      service: ServiceSlug.nullable(),
      private: z.boolean(),
      digest: z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 digest in hex' }),
      title: humanText(MAX_TICKET_TITLE_CHARS, 'a title').min(1).optional(),
    })
    .refine((body) => !(body.private && body.title !== undefined), {
      message: 'a private ticket is logged by its digest only',
    }),
);

/** A help desk ticket was closed: solved (`resolved`), or closed without a solution. */
export const TicketClosed = coopStatement(
  'ticket.closed',
  z.strictObject({
    ticket: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    resolution: z.enum(['resolved', 'closed']),
  }),
);

/**
 * A host was enrolled by its agent: the key by which the host proves itself on its channel to
 * the server, the logins that only the cooperative's certificates open, and the SHA-256 of each
 * file the agent installed (the sshd drop-in, the CA key, the KRL, the principals files).
 */
export const HostEnrolled = coopStatement(
  'host.enrolled',
  z.strictObject({
    host: HostName,
    hostKey: z.string().min(1).max(200),
    logins: z.array(Login).min(1).max(20),
    installed: z.array(FileDigest).min(1).max(50),
  }),
);

/**
 * A host reported digests of its configuration: sshd, sudoers, every authorized_keys, the
 * agent's own files and the package list. `changed` names the paths whose digest differs from
 * the previous attestation (or that appeared or went); `unexplained` says that no recorded
 * session on the host since then explains them (a ticket for the oversight group was opened).
 */
export const HostAttested = coopStatement(
  'host.attested',
  z.strictObject({
    host: HostName,
    files: z.array(AttestedFile).max(MAX_ATTESTED_FILES),
    changed: z.array(z.string().max(1024)).max(MAX_ATTESTED_FILES),
    unexplained: z.boolean(),
    ticket: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
  }),
);

const Serial = z.string().regex(/^[0-9]{1,20}$/, { message: 'a certificate serial in decimal' });

/**
 * A guarded session began on a host: the request and certificate (serial) that allowed it, the
 * login, what runs, and the command line when the policy publishes command lines. Its
 * transcript is sealed to `recipients`, the oversight group's age keys at the start.
 */
export const SessionStarted = coopStatement(
  'session.started',
  z.strictObject({
    session: SessionId,
    host: HostName,
    principal: Login,
    request: z.string().min(1).max(200),
    ticket: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
    serial: Serial,
    kind: SessionKind,
    command: CommandLine.optional(),
    observerRequired: z.boolean(),
    recipients: z.array(z.string().max(100)).min(1).max(200),
  }),
);

/**
 * A stretch of a session's transcript (at least every 10 s or 64 KiB): the SHA-256 of its
 * sealed pieces, framed as the transcript frames them, and a salted SHA-256 of the records in
 * them (the salt is sealed in the transcript, so that a guess of what was typed cannot be
 * checked against the log).
 */
export const SessionChunk = coopStatement(
  'session.chunk',
  z.strictObject({
    session: SessionId,
    chunk: z.number().int().min(0),
    pieces: z.strictObject({ from: z.number().int().min(0), to: z.number().int().min(1) }),
    inputBytes: z.number().int().min(0),
    outputBytes: z.number().int().min(0),
    sealed: Sha256Hex,
    plain: Sha256Hex,
  }),
);

/** A session ended: why, by whom, its totals and the SHA-256 of its whole sealed transcript. */
export const SessionEnded = coopStatement(
  'session.ended',
  z.strictObject({
    session: SessionId,
    reason: SessionEndReason,
    by: Handle.nullable(),
    exitCode: z.number().int().nullable(),
    chunks: z.number().int().min(0),
    pieces: z.number().int().min(0),
    inputBytes: z.number().int().min(0),
    outputBytes: z.number().int().min(0),
    transcript: Sha256Hex,
  }),
);

/**
 * A host's recorder asked for a session and the server refused it: the certificate did not
 * check out, the policy forbids what was asked (a file transfer), or the login is not guarded.
 */
export const SessionRefused = coopStatement(
  'session.refused',
  z.strictObject({
    host: HostName,
    principal: Login,
    serial: Serial.nullable(),
    kind: SessionKind,
    code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
    reason: humanText(500, 'a reason'),
  }),
);

/** Statements the server makes on its own authority: they change nothing in the cooperative. */
const COOP_STATEMENTS = [
  Notice,
  TicketOpened,
  TicketClosed,
  HostEnrolled,
  HostAttested,
  SessionStarted,
  SessionChunk,
  SessionEnded,
  SessionRefused,
] as const;

// --- Access: requests, approvals and the certificates the CA issues (docs/consent.md) --------

const LogIndex = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** Whole seconds in UTC, as OpenSSH certificates count validity. */
const CertificateTime = z.iso.datetime({ offset: false, precision: 0 });

/** An SSH key by its fingerprint, as `ssh-keygen -l` prints it. */
export const SshFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
  message: 'an SSH key fingerprint, "SHA256:" and 43 base64 characters',
});
/** The longest access anyone may request; the policy of the host usually allows less. */
export const MAX_ACCESS_MINUTES = 24 * 60;
export const MAX_ACCESS_COMMAND_CHARS = 2000;

/** Which request an approval, denial or withdrawal answers: its log entry and its signed part. */
const RequestReference = {
  /** The log index of the `access.requested` entry. */
  request: LogIndex,
  /** SHA-256 (hex) of the request's signed part: what was approved, exactly. */
  digest: Sha256Hex,
};

/**
 * A member asks for access to a host: as `login`, for `minutes`, for a ticket, for a reason,
 * optionally for one command only, with one of their current SSH keys (by its fingerprint) to
 * be certified. Reason and command are public, as everything in the log.
 */
export const AccessRequested = memberStatement(
  'access.requested',
  z.strictObject({
    host: HostName,
    login: Login,
    minutes: z.number().int().min(1).max(MAX_ACCESS_MINUTES),
    ticket: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    reason: humanText(1000, 'a reason').regex(/\S/, { message: 'a request needs a reason' }),
    command: humanText(MAX_ACCESS_COMMAND_CHARS, 'a command')
      .regex(/\S/, { message: 'a command is not empty' })
      .optional(),
    key: SshFingerprint,
  }),
);
/** A member other than the requester consents to a request by signing this. */
export const AccessApproved = memberStatement('access.approved', z.strictObject(RequestReference));
/** A member other than the requester refuses a request; one denial closes it. */
export const AccessDenied = memberStatement(
  'access.denied',
  z.strictObject({ ...RequestReference, reason: humanText(1000, 'a reason').optional() }),
);
/** The requester takes a request back; a certificate issued for it is revoked. */
export const AccessWithdrawn = memberStatement(
  'access.withdrawn',
  z.strictObject({ ...RequestReference, reason: humanText(1000, 'a reason').optional() }),
);
/** A request was neither approved nor denied in time (docs/consent.md, "Access"). */
export const AccessExpired = coopStatement('access.expired', z.strictObject({ request: LogIndex }));
/** The cooperative's SSH certificate authority: the key hosts trust (`TrustedUserCAKeys`). */
export const CaCreated = coopStatement('ca.created', z.strictObject({ key: SshPublicKeyLine }));
/**
 * The CA certified a requested key once its approvals met the policy. The certificate holds no
 * secret: it stands here whole, so that anyone can check it against the request, its approvals
 * and the CA of `ca.created`.
 */
export const CertIssued = coopStatement(
  'cert.issued',
  z.strictObject({
    request: LogIndex,
    /** The log indexes of the approvals that met the policy. */
    approvals: z.array(LogIndex).max(32),
    serial: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    keyId: z.string().min(1).max(300),
    principal: Login,
    validAfter: CertificateTime,
    validBefore: CertificateTime,
    /** The certified key's fingerprint, as `ssh-keygen -l` prints it. */
    key: SshFingerprint,
    /** SHA-256 (hex) of the certificate's blob. */
    digest: Sha256Hex,
    /** The certificate, as `ssh-keygen -s` wrote it to `*-cert.pub`, without its comment. */
    certificate: z.string().min(1).max(4096),
  }),
);
/** A certificate no longer holds: its serial is in the KRL that hosts fetch. */
export const CertRevoked = coopStatement(
  'cert.revoked',
  z.strictObject({
    request: LogIndex,
    serial: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    reason: z.enum(['withdrawn', 'member-left', 'member-removed', 'key-revoked']),
  }),
);
export type RevocationReason = z.infer<typeof CertRevoked>['body']['reason'];

/** The server's own statements about access: checked by the rules like members' statements. */
const ACCESS_COOP_STATEMENTS = [AccessExpired, CaCreated, CertIssued, CertRevoked] as const;

const Reason = humanText(1000, 'a reason');

export const MemberAdmitted = memberStatement(
  'member.admitted',
  z.strictObject({
    handle: Handle,
    name: DisplayName,
    keys: z.array(MemberKey).min(1).max(8),
    /** SHA-256 (hex) of the invitation code the candidate answered, if any. */
    invitation: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
);
export const MemberLeft = memberStatement(
  'member.left',
  z.strictObject({ handle: Handle, reason: Reason.optional() }),
);
export const MemberRemoved = memberStatement(
  'member.removed',
  z.strictObject({ handle: Handle, reason: Reason.min(1) }),
);
export const KeyAdded = memberStatement(
  'key.added',
  z.strictObject({ handle: Handle, key: MemberKey }),
);
export const KeyRevoked = memberStatement(
  'key.revoked',
  z.strictObject({ handle: Handle, key: KeyId, reason: Reason.optional() }),
);
export const PolicySet = memberStatement('policy.set', z.strictObject({ policy: Policy }));

const serviceFields = {
  name: DisplayName,
  description: humanText(2000, 'a description'),
  sensitivity: Sensitivity,
  status: ServiceStatus,
  addresses: z.array(ServiceAddress).max(20),
  /** The wiki page that documents the service. */
  docPage: WikiPath.nullable(),
  hosts: z.array(HostName).max(50),
};
export const ServiceCreated = memberStatement(
  'service.created',
  z.strictObject({ slug: ServiceSlug, ...serviceFields }),
);
export const ServiceUpdated = memberStatement(
  'service.updated',
  z
    .strictObject({ slug: ServiceSlug, ...z.object(serviceFields).partial().shape })
    .refine((body) => Object.keys(body).length > 1, { message: 'an update changes something' }),
);

export const StewardRole = z.enum(['steward', 'deputy']);
export type StewardRole = z.infer<typeof StewardRole>;
export const StewardAssigned = memberStatement(
  'steward.assigned',
  z.strictObject({ service: ServiceSlug, handle: Handle, role: StewardRole }),
);
export const StewardHandedOver = memberStatement(
  'steward.handed-over',
  z.strictObject({ service: ServiceSlug, from: Handle, to: Handle }),
);
export const StewardResigned = memberStatement(
  'steward.resigned',
  z.strictObject({ service: ServiceSlug, handle: Handle }),
);
export const StewardAway = memberStatement(
  'steward.away',
  z.strictObject({
    handle: Handle,
    away: z.boolean(),
    until: z.iso.date().optional(),
  }),
);

const hostFields = {
  address: z.string().min(1).max(253),
  provider: humanText(100, 'a provider'),
  location: humanText(100, 'a location'),
  monthlyCost: MonthlyCost,
};
export const HostAdded = memberStatement(
  'host.added',
  z.strictObject({ name: HostName, ...hostFields }),
);
export const HostUpdated = memberStatement(
  'host.updated',
  z
    .strictObject({ name: HostName, ...z.object(hostFields).partial().shape })
    .refine((body) => Object.keys(body).length > 1, { message: 'an update changes something' }),
);

const MEMBER_STATEMENTS = [
  MemberAdmitted,
  MemberLeft,
  MemberRemoved,
  KeyAdded,
  KeyRevoked,
  PolicySet,
  ServiceCreated,
  ServiceUpdated,
  StewardAssigned,
  StewardHandedOver,
  StewardResigned,
  StewardAway,
  HostAdded,
  HostUpdated,
  AccessRequested,
  AccessApproved,
  AccessDenied,
  AccessWithdrawn,
] as const;

export const Statement = z.discriminatedUnion('type', [
  CoopFounded,
  ...COOP_STATEMENTS,
  ...ACCESS_COOP_STATEMENTS,
  ...MEMBER_STATEMENTS,
]);
export type Statement = z.infer<typeof Statement>;
export type StatementType = Statement['type'];
export const STATEMENT_TYPES = Statement.options.map((o) => o.shape.type.value);
const MEMBER_STATEMENT_TYPES: ReadonlySet<string> = new Set(
  MEMBER_STATEMENTS.map((o) => o.shape.type.value),
);

export type CoopStatement = Extract<Statement, { actor: 'coop' }>;
export type MemberStatement = Exclude<Statement, CoopStatement>;
export type MemberStatementType = MemberStatement['type'];
export type StatementOf<T extends StatementType> = Extract<Statement, { type: T }>;

/** Whether a statement is members' (signed by them) rather than the cooperative server's own. */
export function isMemberStatement<S extends { type: StatementType }>(
  statement: S,
): statement is Extract<S, { type: MemberStatementType }> {
  return MEMBER_STATEMENT_TYPES.has(statement.type);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A member statement as clients submit it: complete with its signatures, without the time (the
 * server sets it when it appends).
 */
export const SubmittedStatement = z.discriminatedUnion(
  'type',
  MEMBER_STATEMENTS.map((schema) => schema.omit({ time: true })) as unknown as [
    (typeof MEMBER_STATEMENTS)[number],
  ],
) as unknown as z.ZodType<DistributiveOmit<MemberStatement, 'time'>>;
export type SubmittedStatement = DistributiveOmit<MemberStatement, 'time'>;

/** A statement before the log gives it its place: everything but the version and time. */
export type StatementDraft = DistributiveOmit<Statement, 'v' | 'time'>;

/** What members sign: everything the server does not add. */
export type SignedPart = DistributiveOmit<MemberStatement, 'time' | 'signatures'>;

/** The part of a member statement its signatures cover. */
export function signedPartOf(statement: DistributiveOmit<MemberStatement, 'time'>): SignedPart {
  const { v, type, actor, nonce, body } = statement;
  return { v, type, actor, nonce, body } as SignedPart;
}

/** The exact bytes that members sign: the canonical JSON (RFC 8785) of the signed part. */
export function signedBytes(part: SignedPart): Uint8Array {
  const { v, type, actor, nonce, body } = part;
  return encoder.encode(canonicalize({ v, type, actor, nonce, body }));
}

/** SHA-256 of the signed bytes: the challenge of a passkey signature, and the statement's identity. */
export function statementDigest(part: SignedPart): Uint8Array {
  return sha256(signedBytes(part));
}

/** The SSHSIG namespace of a cooperative's statements (PROTOCOL.sshsig), bound to the log. */
export function statementNamespace(origin: string): string {
  return `allmende-statement:${origin}`;
}

/** The SSHSIG namespace of a login proof: never valid as a statement signature. */
export function loginNamespace(origin: string): string {
  return `allmende-login:${origin}`;
}

/** A fresh nonce for a statement draft: 18 random bytes, in base64url. */
export function newNonce(): string {
  return encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(18)));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export type StatementProblem = {
  reason: 'too-large' | 'not-json' | 'not-canonical' | 'invalid';
  message: string;
};

/** The canonical bytes of a statement, or the reason it cannot be one. */
export function encodeStatement(statement: Statement): Uint8Array | StatementProblem {
  const parsed = Statement.safeParse(statement);
  if (!parsed.success) return { reason: 'invalid', message: z.prettifyError(parsed.error) };
  const bytes = encoder.encode(canonicalize(parsed.data));
  if (bytes.length > MAX_STATEMENT_BYTES) {
    return {
      reason: 'too-large',
      message: `a statement is at most ${MAX_STATEMENT_BYTES} bytes of canonical JSON, this one is ${bytes.length}`,
    };
  }
  return bytes;
}

/**
 * Decodes a log entry. Entries come from a server that may be hostile, so the bytes must be
 * valid UTF-8, canonical JSON, and a known statement type.
 */
export function decodeStatement(bytes: Uint8Array): Statement | StatementProblem {
  if (bytes.length > MAX_STATEMENT_BYTES) {
    return { reason: 'too-large', message: `an entry of ${bytes.length} bytes exceeds the limit` };
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return { reason: 'not-json', message: 'the entry is not UTF-8 JSON' };
  }
  const parsed = Statement.safeParse(value);
  if (!parsed.success) return { reason: 'invalid', message: z.prettifyError(parsed.error) };
  if (canonicalize(value) !== decoder.decode(bytes)) {
    return { reason: 'not-canonical', message: 'the entry is not canonical JSON (RFC 8785)' };
  }
  return parsed.data;
}

export function isStatementProblem(x: unknown): x is StatementProblem {
  return typeof x === 'object' && x !== null && 'reason' in x && !(x instanceof Uint8Array);
}
