import { z } from 'zod';
import { Handle, HostName } from './coop.ts';
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
 * JSON shapes of hosts' enrolment, the agents' channel (`/ws/agent`), the observers' channel
 * (`/ws/sessions/{id}/watch`) and the sessions API (`/api/sessions`). Every message on a
 * channel is parsed by these schemas before use: the other end may be hostile.
 */

// --- Enrolment -----------------------------------------------------------------------------------

export const EnrolmentToken = z.object({
  host: HostName,
  /** Shown once; the server keeps only its SHA-256. */
  token: z.string(),
  expiresAt: z.string(),
  /** What to run on the host. */
  command: z.string(),
});
export type EnrolmentToken = z.infer<typeof EnrolmentToken>;

export const ENROLMENT_TOKEN_PATTERN = /^alh_[A-Za-z0-9_-]{43}$/;
export const EnrolmentTokenText = z.string().regex(ENROLMENT_TOKEN_PATTERN, {
  message: 'an enrolment token is "alh_" and 43 characters of base64url',
});

/** What the agent reports once it has set the host up; `proof` signs the token (SSHSIG). */
export const EnrolmentReport = z.strictObject({
  token: EnrolmentTokenText,
  hostKey: z.string().min(1).max(200),
  logins: z.array(Login).min(1).max(20),
  installed: z.array(FileDigest).min(1).max(50),
  proof: z.string().min(1).max(4096),
});
export type EnrolmentReport = z.infer<typeof EnrolmentReport>;

export const EnrolmentReceipt = z.object({ host: HostName, index: z.number().int().min(0) });

/** The SSHSIG namespace in which a host signs its enrolment token and channel challenges. */
export function hostNamespace(origin: string): string {
  return `allmende-host:${origin}`;
}

// --- The agents' channel ---------------------------------------------------------------------------

/**
 * Binary frames carry a session's bytes: type (1) ‖ sequence number (uint32 BE) ‖ data. Input
 * carries a sequence number that the server acknowledges once it has stored it; only then does
 * the recorder write it to the shell. The acknowledgement is a binary frame too, `ack` ‖ the
 * sequence number and no data: one goes out for every keystroke, and JSON with its schema check
 * cost the recorder more than the rest of the keystroke's way through it.
 */
export const FRAME = { input: 1, output: 2, error: 3, ack: 4 } as const;
export const FRAME_HEADER = 5;

/** The binary frame of `type` and `seq` carrying `parts` one after the other. */
export function encodeFrame(
  type: number,
  seq: number,
  parts: readonly Uint8Array[] = [],
): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(FRAME_HEADER + parts.reduce((n, p) => n + p.length, 0));
  frame[0] = type;
  new DataView(frame.buffer).setUint32(1, seq);
  let at = FRAME_HEADER;
  for (const part of parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
}
/** The most a frame carries; the recorder splits larger reads. */
export const MAX_FRAME_DATA = 64 * 1024;

export const PtySize = z.strictObject({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export type PtySize = z.infer<typeof PtySize>;

export const AgentMessage = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('hello'), host: HostName, signature: z.string().max(4096) }),
  z.strictObject({
    t: z.literal('open'),
    /** The certificate line sshd exposed (ExposeAuthInfo, SSH_USER_AUTH). */
    certificate: z.string().min(1).max(32_768),
    login: Login,
    kind: SessionKind,
    command: CommandLine.nullable(),
    pty: PtySize.nullable(),
  }),
  z.strictObject({ t: z.literal('resize'), ...PtySize.shape }),
  z.strictObject({
    t: z.literal('exit'),
    code: z.number().int().nullable(),
    signal: z.string().max(20).nullable(),
  }),
  z.strictObject({ t: z.literal('attest'), files: z.array(AttestedFile).max(MAX_ATTESTED_FILES) }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

export const ServerMessage = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('challenge'), nonce: z.string(), origin: z.string() }),
  z.strictObject({ t: z.literal('ready') }),
  /** The policy wants an observer before the session starts. */
  z.strictObject({ t: z.literal('waiting'), session: SessionId, message: z.string() }),
  z.strictObject({ t: z.literal('opened'), session: SessionId }),
  z.strictObject({ t: z.literal('refused'), code: z.string(), message: z.string() }),
  z.strictObject({ t: z.literal('discarded'), seq: z.number().int().min(0) }),
  z.strictObject({ t: z.literal('paused'), message: z.string() }),
  z.strictObject({ t: z.literal('resumed'), message: z.string() }),
  z.strictObject({ t: z.literal('end'), reason: SessionEndReason, message: z.string() }),
  z.strictObject({ t: z.literal('closed') }),
  z.strictObject({
    t: z.literal('attested'),
    index: z.number().int().min(0),
    changed: z.array(z.string()),
    unexplained: z.boolean(),
    ticket: z.number().int().nullable(),
  }),
  z.strictObject({ t: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

// --- Sessions ------------------------------------------------------------------------------------

export const SESSION_STATES = ['waiting', 'live', 'paused', 'ended'] as const;
export const SessionState = z.enum(SESSION_STATES);
export type SessionState = z.infer<typeof SessionState>;

export const SessionInfo = z.object({
  id: SessionId,
  host: HostName,
  principal: Login,
  request: z.string(),
  ticket: z.number().int().nullable(),
  requester: z.string().nullable(),
  serial: z.string(),
  kind: SessionKind,
  /** In the clear only when the policy publishes command lines. */
  command: z.string().nullable(),
  state: SessionState,
  observerRequired: z.boolean(),
  observers: z.array(Handle),
  recipients: z.array(Handle),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: SessionEndReason.nullable(),
  endedBy: Handle.nullable(),
  exitCode: z.number().int().nullable(),
  inputBytes: z.number().int(),
  outputBytes: z.number().int(),
  pieces: z.number().int(),
  chunks: z.number().int(),
  startedIndex: z.number().int().nullable(),
  endedIndex: z.number().int().nullable(),
  transcriptDigest: Sha256Hex.nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
export const SessionList = z.object({ sessions: z.array(SessionInfo) });

export const SessionQuery = z.strictObject({
  host: HostName.optional(),
  state: z.enum(['open', 'ended', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** What an observer's browser or CLI receives besides the output bytes (binary frames). */
export const WatchMessage = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('session'), session: SessionInfo }),
  z.strictObject({ t: z.literal('resize'), ...PtySize.shape }),
  z.strictObject({ t: z.literal('ended'), reason: SessionEndReason, by: Handle.nullable() }),
]);
export type WatchMessage = z.infer<typeof WatchMessage>;

export const WatcherMessage = z.discriminatedUnion('t', [z.strictObject({ t: z.literal('end') })]);

export const EnrolledHostInfo = z.object({
  host: HostName,
  hostKey: z.string(),
  logins: z.array(Login),
  enrolledIndex: z.number().int(),
  enrolledAt: z.string(),
});
export type EnrolledHostInfo = z.infer<typeof EnrolledHostInfo>;
