import { z } from 'zod';
import { canonicalize } from './canonical-json.ts';

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
  actor: Actor,
};

export const CoopFounded = z.strictObject({
  ...envelope,
  type: z.literal('coop.founded'),
  body: z.strictObject({
    name: z.string().min(1).max(200),
    origin: Origin,
    /** The note verifier key of the log, so the genesis names the key that signs its checkpoints. */
    logKey: z.string().min(1).max(500),
  }),
});

export const Notice = z.strictObject({
  ...envelope,
  type: z.literal('notice'),
  body: z.strictObject({
    text: z.string().max(MAX_NOTICE_CHARS).regex(/\S/, { message: 'a notice needs some text' }),
  }),
});

export const Statement = z.discriminatedUnion('type', [CoopFounded, Notice]);
export type Statement = z.infer<typeof Statement>;
export type StatementType = Statement['type'];
export const STATEMENT_TYPES = Statement.options.map((o) => o.shape.type.value);

/** Statement without its envelope: what a caller asks the log to record. */
export type StatementDraft = Pick<Statement, 'type' | 'actor' | 'body'>;

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
