import { z } from 'zod';
import { MAX_NOTICE_CHARS, Statement } from './statement.ts';

/** JSON shapes of `/api/log/*`, shared by the server, the CLI and the web app. */

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** A tree size or entry index in a reply. */
const Index = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * Sizes and indexes arrive as query strings. Only plain decimals count: coercion would read
 * "" as 0 and "0x10" as 16.
 */
const Count = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, { message: 'expected a whole number' })
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER));

export const LogInfo = z.object({
  origin: z.string(),
  verifierKey: z.string(),
  size: Index,
  rootHash: Base64,
  /** The signed note served at /log/checkpoint, with every cosignature the server holds. */
  checkpoint: z.string(),
});
export type LogInfo = z.infer<typeof LogInfo>;

export const EntriesQuery = z.object({
  start: Count.optional(),
  limit: Count.pipe(z.number().min(1).max(1000)).default(50),
  /** Newest first, from `start` (or the end) downwards: how the web app pages back in time. */
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const LogEntry = z.object({
  index: Index,
  /** The entry exactly as it is in the log, so that a client can hash it itself. */
  entry: Base64,
  leafHash: Base64,
  statement: Statement,
});
export type LogEntry = z.infer<typeof LogEntry>;

export const EntriesPage = z.object({ size: Index, entries: z.array(LogEntry) });
export type EntriesPage = z.infer<typeof EntriesPage>;

export const InclusionQuery = z.object({ index: Count, size: Count.optional() });
export const InclusionProof = z.object({
  index: Index,
  size: Index,
  leafHash: Base64,
  rootHash: Base64,
  proof: z.array(Base64),
});
export type InclusionProof = z.infer<typeof InclusionProof>;

export const ConsistencyQuery = z.object({ from: Count, to: Count.optional() });
export const ConsistencyProof = z.object({
  from: Index,
  to: Index,
  fromRootHash: Base64,
  toRootHash: Base64,
  proof: z.array(Base64),
});
export type ConsistencyProof = z.infer<typeof ConsistencyProof>;

export const NoticeRequest = z.strictObject({ text: z.string().max(MAX_NOTICE_CHARS) });
export const AppendReply = z.object({ index: Index, leafHash: Base64 });
export type AppendReply = z.infer<typeof AppendReply>;

/** A witness of the policy, and what the server holds of it (`/api/log/witnesses`). */
export const WitnessInfo = z.object({
  name: z.string(),
  /** Its submission prefix (C2SP tlog-witness). */
  url: z.string(),
  /** Its verifier key (C2SP tlog-cosignature, type 0x04). */
  key: z.string(),
  /** The size of the latest checkpoint it cosigned, as far as the server knows. */
  cosignedSize: Index.nullable(),
  /** The timestamp of that cosignature (ISO 8601). */
  cosignedAt: z.string().nullable(),
  /** Whether its cosignature is on the checkpoint served now. */
  onCheckpoint: z.boolean(),
  /** Why the last attempt failed, while it keeps failing. */
  problem: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
});
export type WitnessInfo = z.infer<typeof WitnessInfo>;

export const WitnessesInfo = z.object({
  /** Cosignatures a checkpoint needs to be trusted, by the policy. */
  quorum: Index,
  /** The size of the checkpoint served now, which `onCheckpoint` refers to. */
  checkpointSize: Index,
  witnesses: z.array(WitnessInfo),
});
export type WitnessesInfo = z.infer<typeof WitnessesInfo>;
