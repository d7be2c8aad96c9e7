import { z } from 'zod';
import { humanText } from './coop.ts';

/**
 * The vocabulary of guarded sessions on the cooperative's hosts: the names the log uses for a
 * session, a login and a digest, and the binary transcript that the server seals (age) for the
 * oversight group. Shared by the agent, the server, the CLI and the web app (which replays a
 * transcript in the browser), so it stays free of Node.
 */

/** A session's ID: 16 random bytes in base64url, chosen by the server. */
export const SessionId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, {
  message: 'a session ID is 22 characters of base64url',
});

/** A login on a host (a POSIX user name, as useradd accepts it). */
export const Login = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
  message: 'a login is a user name of up to 32 lowercase letters, digits, "_" or "-"',
});

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 digest in hex' });

/** What a session runs: a terminal, one command, or a file transfer. */
export const SESSION_KINDS = ['shell', 'command', 'sftp', 'scp'] as const;
export const SessionKind = z.enum(SESSION_KINDS);
export type SessionKind = z.infer<typeof SessionKind>;

/** Why a session ended. */
export const SESSION_END_REASONS = [
  /** The shell or command exited. */
  'exit',
  /** An observer ended it. */
  'ended-by-observer',
  /** Its certificate was revoked. */
  'revoked',
  /** Its certificate's validity ran out. */
  'expired',
  /** The host's channel to the server broke: the recorder ended the shell. */
  'channel-lost',
  /** The server stopped while it was open; found open at the next start. */
  'interrupted',
] as const;
export const SessionEndReason = z.enum(SESSION_END_REASONS);
export type SessionEndReason = z.infer<typeof SessionEndReason>;

/** The longest command line that a statement or a transcript carries. */
export const MAX_COMMAND_CHARS = 4096;
export const CommandLine = humanText(MAX_COMMAND_CHARS, 'a command line');

/** A file's place and SHA-256 on a host, as enrolment and attestation report them. */
export const FileDigest = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^\/[^\0\n]*$/, { message: 'a path is absolute, without NUL or line breaks' }),
  digest: Sha256Hex,
});
export type FileDigest = z.infer<typeof FileDigest>;

/** What an attestation digests, by kind (DESIGN.md, issue 5 "Attestation"). */
export const ATTESTED_KINDS = ['sshd', 'sudoers', 'authorized-keys', 'agent', 'packages'] as const;
export const AttestedKind = z.enum(ATTESTED_KINDS);
export type AttestedKind = z.infer<typeof AttestedKind>;
export const AttestedFile = FileDigest.extend({ kind: AttestedKind });
export type AttestedFile = z.infer<typeof AttestedFile>;
export const MAX_ATTESTED_FILES = 500;

// --- The transcript ------------------------------------------------------------------------------

/**
 * A transcript is a sequence of records: what was typed (`input`, written to the shell only
 * once the server had stored it), what the shell printed (`output`, `error` for a command's
 * stderr), window sizes (`resize`) and what happened (`event`, JSON). `at` is milliseconds
 * since the session started.
 */
export type TranscriptRecord =
  | { kind: 'input'; at: number; data: Uint8Array }
  | { kind: 'output'; at: number; data: Uint8Array }
  | { kind: 'error'; at: number; data: Uint8Array }
  | { kind: 'resize'; at: number; cols: number; rows: number }
  | { kind: 'event'; at: number; event: TranscriptEvent };

export const TranscriptEvent = z.discriminatedUnion('type', [
  /** The first record: who, where, what; `salt` keys the plain digests in the log. */
  z.strictObject({
    type: z.literal('start'),
    session: SessionId,
    host: z.string().max(253),
    login: Login,
    kind: SessionKind,
    command: CommandLine.nullable(),
    request: z.string().max(200),
    serial: z.string().regex(/^[0-9]{1,20}$/),
    salt: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.strictObject({ type: z.literal('observer-joined'), observer: z.string().max(64) }),
  z.strictObject({ type: z.literal('observer-left'), observer: z.string().max(64) }),
  z.strictObject({ type: z.literal('paused') }),
  z.strictObject({ type: z.literal('resumed') }),
  /** Input typed while paused: recorded, never written to the shell. */
  z.strictObject({ type: z.literal('input-discarded'), bytes: z.number().int().min(0) }),
  z.strictObject({
    type: z.literal('end'),
    reason: SessionEndReason,
    by: z.string().max(64).nullable(),
    exitCode: z.number().int().nullable(),
  }),
]);
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;

const KIND_CODES = { input: 1, output: 2, error: 3, resize: 4, event: 5 } as const;
const CODE_KINDS = ['', 'input', 'output', 'error', 'resize', 'event'] as const;
/** kind (1) ‖ at (uint32 BE) ‖ length (uint32 BE) ‖ payload */
const RECORD_HEADER = 9;
/** The largest record payload; the recorder sends at most 64 KiB at once. */
export const MAX_RECORD_BYTES = 1024 * 1024;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of records, as a sealed piece of a transcript holds them. They are written into
 * `space` when it is large enough (the result is then a view of it, good until `space` is used
 * again), otherwise into a buffer of their own.
 */
export function encodeRecords(
  records: readonly TranscriptRecord[],
  space?: Uint8Array,
): Uint8Array {
  const payloads = records.map(recordPayload);
  const total = payloads.reduce((sum, p) => sum + RECORD_HEADER + p.length, 0);
  const out = space && space.length >= total ? space.subarray(0, total) : new Uint8Array(total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = 0;
  records.forEach((record, i) => {
    const payload = payloads[i]!;
    view.setUint8(offset, KIND_CODES[record.kind]);
    view.setUint32(offset + 1, Math.min(Math.max(0, Math.floor(record.at)), 0xffffffff));
    view.setUint32(offset + 5, payload.length);
    out.set(payload, offset + RECORD_HEADER);
    offset += RECORD_HEADER + payload.length;
  });
  return out;
}

function recordPayload(record: TranscriptRecord): Uint8Array {
  switch (record.kind) {
    case 'input':
    case 'output':
    case 'error':
      return record.data;
    case 'resize': {
      const bytes = new Uint8Array(4);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, record.cols);
      view.setUint16(2, record.rows);
      return bytes;
    }
    case 'event':
      return utf8.encode(JSON.stringify(record.event));
  }
}

/**
 * Reads the records of a decrypted piece. The bytes come from a transcript that anyone could
 * have altered on its way, so every length is checked.
 * @throws {Error} with a message for people when the bytes are not records.
 */
export function decodeRecords(bytes: Uint8Array): TranscriptRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: TranscriptRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < RECORD_HEADER) throw new Error('a transcript record is cut off');
    const kind = CODE_KINDS[view.getUint8(offset)];
    const at = view.getUint32(offset + 1);
    const length = view.getUint32(offset + 5);
    if (!kind) throw new Error(`unknown transcript record kind ${view.getUint8(offset)}`);
    if (length > MAX_RECORD_BYTES || length > bytes.length - offset - RECORD_HEADER) {
      throw new Error('a transcript record is longer than what is left');
    }
    const payload = bytes.slice(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    offset += RECORD_HEADER + length;
    switch (kind) {
      case 'input':
      case 'output':
      case 'error':
        records.push({ kind, at, data: payload });
        break;
      case 'resize': {
        if (payload.length !== 4) throw new Error('a resize record is 4 bytes');
        const sizes = new DataView(payload.buffer);
        records.push({ kind, at, cols: sizes.getUint16(0), rows: sizes.getUint16(2) });
        break;
      }
      case 'event': {
        let value: unknown;
        try {
          value = JSON.parse(fromUtf8.decode(payload));
        } catch {
          throw new Error('an event record is not UTF-8 JSON');
        }
        const event = TranscriptEvent.safeParse(value);
        if (!event.success) throw new Error(`an event record is malformed: ${event.error.message}`);
        records.push({ kind, at, event: event.data });
        break;
      }
    }
  }
  return records;
}

/**
 * How a transcript is sealed (format 2). The server draws a transcript key for each session.
 * The first piece is an age file to the oversight group's recipients; its plaintext is
 * TRANSCRIPT_V2, the transcript key (TRANSCRIPT_KEY_BYTES) and the piece's records. Every later
 * piece is a segment: a random nonce (SEGMENT_NONCE_BYTES) ‖ AES-256-GCM of its records under
 * the transcript key (ciphertext, then the 16-byte tag), with the piece's index (uint32 BE) as
 * associated data, so a piece moved, dropped from the middle or taken from another session does
 * not open.
 *
 * One age header per session instead of one per piece: a header costs two X25519 operations per
 * recipient, most of the server's work for a keystroke. AES-256-GCM rather than age's
 * ChaCha20-Poly1305: Node's build of the latter seals about 0.3 GB/s here, AES-GCM 2.7 GB/s, and
 * WebCrypto opens it in every browser (bench/README.md). Random 96-bit nonces under one key stay
 * within NIST SP 800-38D's bound up to 2^32 pieces, which no session reaches.
 *
 * Format 1, where every piece was an age file, is recognised by its first piece, which does not
 * begin with TRANSCRIPT_V2, and still opens.
 */
export const TRANSCRIPT_V2 = 'allmende.org/transcript/v2\n';
export const TRANSCRIPT_KEY_BYTES = 32;
export const SEGMENT_NONCE_BYTES = 12;
/** The associated data of piece `index`: the index as uint32 BE. */
export function segmentAad(index: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(index) || index < 1 || index > 0xffffffff) {
    throw new Error(`no transcript segment has the index ${index}`);
  }
  const aad = new Uint8Array(4);
  new DataView(aad.buffer).setUint32(0, index);
  return aad;
}

/**
 * A sealed transcript as the server hands it out: its pieces (above), each preceded by its
 * length (uint32 BE). The SHA-256 of these bytes is the transcript digest in
 * `session.ended`; the SHA-256 of the pieces that one `session.chunk` covers, framed the same
 * way, is that chunk's sealed digest.
 */
export function frameSealedPieces(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, p) => sum + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const piece of pieces) {
    view.setUint32(offset, piece.length);
    out.set(piece, offset + 4);
    offset += 4 + piece.length;
  }
  return out;
}

/** The largest sealed piece; a piece holds at most about 64 KiB of records. */
export const MAX_SEALED_PIECE = 4 * 1024 * 1024;

/**
 * The pieces of a framed transcript.
 * @throws {Error} when the framing is broken (a length beyond the end, an oversized piece).
 */
export function splitSealedPieces(bytes: Uint8Array): Uint8Array<ArrayBuffer>[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 4) throw new Error('a sealed piece is cut off');
    const length = view.getUint32(offset);
    if (length > MAX_SEALED_PIECE || length > bytes.length - offset - 4) {
      throw new Error('a sealed piece is longer than what is left');
    }
    pieces.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return pieces;
}

/**
 * What a command line asks for: sshd runs a subsystem (sftp) as its command, and scp runs
 * `scp -t`/`-f` on the far side. The recorder and the server classify alike; the server
 * refuses a session whose stated kind differs.
 */
export function sessionKindOf(command: string | null): SessionKind {
  if (command === null) return 'shell';
  const program = command.trim().split(/\s+/)[0] ?? '';
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (name === 'sftp-server' || name === 'internal-sftp') return 'sftp';
  if (name === 'scp') return 'scp';
  return 'command';
}
