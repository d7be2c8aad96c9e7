import { decodeBase64, HASH_SIZE } from '@allmende/tlog';
import { z } from 'zod';

/**
 * What this browser remembers of the logs it has seen, until witnesses vouch for them: per log
 * origin, the verifier key pinned on first use and the latest checkpoint it verified. Like a
 * careful client of a transparency log, it then notices a swapped key or a rewritten history.
 * The stored text is untrusted input like any other (another tab, an older app, a person with
 * the developer tools): whatever does not parse counts as nothing remembered.
 */

export const TRUST_STORAGE_KEY = 'allmende.log-trust';

const Time = z.iso.datetime();

const RootHash = z.string().refine((text) => {
  try {
    return decodeBase64(text).length === HASH_SIZE;
  } catch {
    return false;
  }
}, 'expected a base64 hash of 32 bytes');

const SeenCheckpoint = z.object({
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  rootHash: RootHash,
  /** The signed note, kept as evidence should a later checkpoint contradict it. */
  note: z.string(),
  seenAt: Time,
});
export type SeenCheckpoint = z.infer<typeof SeenCheckpoint>;

const LogMemory = z.object({
  verifierKey: z.string().min(1),
  pinnedAt: Time,
  /** The latest checkpoint signed by that key that this browser verified. */
  checkpoint: SeenCheckpoint.optional(),
});
export type LogMemory = z.infer<typeof LogMemory>;

const TrustState = z.object({
  version: z.literal(1),
  /** By log origin, e.g. `coop.example/log`. */
  logs: z.record(z.string(), LogMemory),
});
export type TrustState = z.infer<typeof TrustState>;

/** The part of `localStorage` the store needs; tests pass their own. */
export type TrustStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function emptyTrust(): TrustState {
  return { version: 1, logs: {} };
}

/** The browser's `localStorage`, or nothing where storage is disabled. */
export function browserStorage(): TrustStorage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** What the storage holds; empty when it holds nothing readable. */
export function readTrust(storage: TrustStorage | undefined): TrustState {
  try {
    const text = storage?.getItem(TRUST_STORAGE_KEY);
    if (text === null || text === undefined) return emptyTrust();
    const parsed = TrustState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : emptyTrust();
  } catch {
    return emptyTrust();
  }
}

/** Stores the state; false when the browser would not keep it (no storage, quota, privacy modes). */
export function writeTrust(storage: TrustStorage | undefined, state: TrustState): boolean {
  if (!storage) return false;
  try {
    storage.setItem(TRUST_STORAGE_KEY, JSON.stringify(state));
    return true;
  } catch {
    return false;
  }
}

export type KeyCheck =
  | { status: 'new' }
  | { status: 'pinned'; memory: LogMemory }
  | { status: 'changed'; pinned: LogMemory };

/**
 * Compares the key a server presents with the one pinned for its log. A web address serves one
 * log, which keeps its origin for life: a log under an origin never seen here while another is
 * pinned is a different log, not a first visit.
 */
export function checkKey(state: TrustState, origin: string, verifierKey: string): KeyCheck {
  const memory = state.logs[origin];
  if (memory) {
    return memory.verifierKey === verifierKey
      ? { status: 'pinned', memory }
      : { status: 'changed', pinned: memory };
  }
  const latest = Object.values(state.logs).sort((a, b) => b.pinnedAt.localeCompare(a.pinnedAt))[0];
  return latest ? { status: 'changed', pinned: latest } : { status: 'new' };
}

/**
 * Pins a key for the log, forgetting the checkpoint seen under any key before: trusting a new
 * key starts the log's history in this browser afresh.
 */
export function pinKey(
  state: TrustState,
  origin: string,
  verifierKey: string,
  now: Date,
): TrustState {
  return {
    ...state,
    logs: { ...state.logs, [origin]: { verifierKey, pinnedAt: now.toISOString() } },
  };
}

/**
 * Remembers a checkpoint verified with the pinned key. Keeps a larger one already stored (another
 * tab may have seen the log grow meanwhile) and ignores one signed by a key no longer pinned.
 */
export function rememberCheckpoint(
  state: TrustState,
  origin: string,
  verifierKey: string,
  checkpoint: SeenCheckpoint,
): TrustState {
  const memory = state.logs[origin];
  if (memory?.verifierKey !== verifierKey) return state;
  if (memory.checkpoint && memory.checkpoint.size >= checkpoint.size) return state;
  return { ...state, logs: { ...state.logs, [origin]: { ...memory, checkpoint } } };
}
