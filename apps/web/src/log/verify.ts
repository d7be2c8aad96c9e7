import { bytesEqual } from '@allmende/bytes';
import {
  canonicalize,
  decodeStatement,
  isStatementProblem,
  type ConsistencyProof,
  type LogEntry,
  type LogInfo,
  type Statement,
} from '@allmende/protocol';
import {
  decodeBase64,
  encodeBase64,
  leafHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@allmende/tlog';
import {
  ApiError,
  fetchConsistencyProof,
  fetchEntries,
  fetchInclusionProof,
  fetchLogInfo,
  type ApiFailure,
} from '../api/client.ts';
import {
  browserStorage,
  checkKey,
  pinKey,
  readTrust,
  rememberCheckpoint,
  writeTrust,
  type SeenCheckpoint,
  type TrustStorage,
} from './trust-store.ts';

/**
 * What this browser itself checked about the log. Everything here is computed from bytes the
 * server sent, never taken from the server's own claims (`size`, `rootHash`, `leafHash`,
 * `statement` in the JSON are only compared against).
 */

export type Problem =
  | { kind: 'api'; failure: ApiFailure }
  | { kind: 'signature'; reason: string }
  | { kind: 'origin-mismatch'; expected: string; actual: string }
  | { kind: 'checkpoint-format'; reason: string }
  | { kind: 'entry-missing' }
  | { kind: 'entry-decode'; reason: string }
  | { kind: 'leaf-hash-mismatch' }
  | { kind: 'statement-mismatch' }
  | { kind: 'proof-mismatch' }
  | { kind: 'inclusion'; reason: string }
  | { kind: 'key-changed'; pinnedKey: string; pinnedSince: string }
  | { kind: 'fork'; reason: ForkReason; size: number; seen: SeenCheckpoint }
  | { kind: 'unexpected'; reason: string };

/**
 * How a checkpoint contradicts the one this browser saw before: the log shrank, the same size
 * has another root, the server's consistency proof is for other trees than the two signed
 * checkpoints, or it does not hold (with the reason).
 */
export type ForkReason =
  | { kind: 'shrunk' }
  | { kind: 'root-differs' }
  | { kind: 'proof-mismatch' }
  | { kind: 'inconsistent'; detail: string };

/** What this browser remembers of the log and found to agree with a checkpoint. */
export type Trust = {
  /** When this browser pinned the log's key (ISO 8601). */
  pinnedSince: string;
  /** False when the browser cannot store anything, so the key holds for this visit only. */
  remembered: boolean;
  /** The earlier checkpoint this one was found consistent with. */
  consistentWith?: { size: number; seenAt: string };
};

export type CheckpointView = {
  /** The signed note exactly as served. */
  note: string;
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** The verifier key the server presented, which the signature was checked with. */
  verifierKey: string;
  /** The name of the verifier key, i.e. whose signature was (or was not) found. */
  keyName: string;
  /**
   * Null when the signature verified (and, once {@link checkPinnedKey} and
   * {@link checkHistory} ran, the key is the pinned one and the history agrees with what this
   * browser saw); otherwise why the checkpoint is not to be trusted.
   */
  problem: Problem | null;
  /** Set by {@link checkPinnedKey} when the key is the one pinned in this browser. */
  trust?: Trust;
};

export function keyNameOf(verifierKey: string): string {
  return verifierKey.split('+')[0] ?? verifierKey;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the signed note with the log's verifier key and parses the checkpoint inside it
 * (C2SP signed-note, C2SP tlog-checkpoint). When the signature does not verify, the values
 * shown are the server's unsigned claims, marked by `problem`.
 */
export async function verifyCheckpoint(info: LogInfo): Promise<CheckpointView> {
  const keyName = keyNameOf(info.verifierKey);
  const unverified = (problem: Problem): CheckpointView => ({
    note: info.checkpoint,
    origin: info.origin,
    size: info.size,
    rootHash: safeDecode(info.rootHash) ?? new Uint8Array(),
    verifierKey: info.verifierKey,
    keyName,
    problem,
  });
  let text: string;
  try {
    const verifier = parseVerifierKey(info.verifierKey);
    ({ text } = await openNote(info.checkpoint, [verifier]));
  } catch (error) {
    return unverified({ kind: 'signature', reason: messageOf(error) });
  }
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    return unverified({ kind: 'checkpoint-format', reason: messageOf(error) });
  }
  const view: CheckpointView = {
    note: info.checkpoint,
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    verifierKey: info.verifierKey,
    keyName,
    problem: null,
  };
  if (checkpoint.origin !== info.origin) {
    view.problem = { kind: 'origin-mismatch', expected: info.origin, actual: checkpoint.origin };
  }
  return view;
}

/**
 * Trust on first use: pins the key of a checkpoint whose signature verified when this browser
 * knows no key for the log, and otherwise requires the pinned one. The key served next to the
 * checkpoint proves nothing by itself; the same server could swap key and history together.
 */
export function checkPinnedKey(
  view: CheckpointView,
  storage: TrustStorage | undefined,
  now = new Date(),
): CheckpointView {
  if (view.problem) return view;
  const state = readTrust(storage);
  const key = checkKey(state, view.origin, view.verifierKey);
  switch (key.status) {
    case 'changed':
      return {
        ...view,
        problem: {
          kind: 'key-changed',
          pinnedKey: key.pinned.verifierKey,
          pinnedSince: key.pinned.pinnedAt,
        },
      };
    case 'pinned':
      return { ...view, trust: { pinnedSince: key.memory.pinnedAt, remembered: true } };
    case 'new': {
      const remembered = writeTrust(storage, pinKey(state, view.origin, view.verifierKey, now));
      return { ...view, trust: { pinnedSince: now.toISOString(), remembered } };
    }
  }
}

export type HistoryCheck = {
  storage: TrustStorage | undefined;
  fetchProof: (from: number, to: number) => Promise<ConsistencyProof>;
  now?: Date;
};

/**
 * Checks that a checkpoint with a pinned key extends the latest one this browser verified
 * (RFC 6962 §2.1.2), from the roots of the two signed checkpoints: the server's root hashes in
 * the proof are only compared. Remembers the checkpoint when it does; a contradicting one is
 * never remembered, so the fork is found again on every visit that is shown it.
 *
 * @throws {ApiError} when the proof cannot be fetched; nothing is remembered then.
 */
export async function checkHistory(
  view: CheckpointView,
  { storage, fetchProof, now = new Date() }: HistoryCheck,
): Promise<CheckpointView> {
  if (view.problem || !view.trust) return view;
  const seen = readTrust(storage).logs[view.origin]?.checkpoint;
  if (seen) {
    const fork = await findFork(seen, view, fetchProof);
    if (fork) return { ...view, problem: { kind: 'fork', reason: fork, size: view.size, seen } };
  }
  const current: SeenCheckpoint = {
    size: view.size,
    rootHash: encodeBase64(view.rootHash),
    note: view.note,
    seenAt: now.toISOString(),
  };
  // Read again: another tab may have moved on while the proof was on its way.
  writeTrust(
    storage,
    rememberCheckpoint(readTrust(storage), view.origin, view.verifierKey, current),
  );
  return seen
    ? {
        ...view,
        trust: { ...view.trust, consistentWith: { size: seen.size, seenAt: seen.seenAt } },
      }
    : view;
}

async function findFork(
  seen: SeenCheckpoint,
  view: CheckpointView,
  fetchProof: HistoryCheck['fetchProof'],
): Promise<ForkReason | undefined> {
  const seenRoot = decodeBase64(seen.rootHash);
  if (view.size < seen.size) return { kind: 'shrunk' };
  if (view.size === seen.size) {
    return bytesEqual(seenRoot, view.rootHash) ? undefined : { kind: 'root-differs' };
  }
  const reply = await fetchProof(seen.size, view.size);
  const proof = reply.proof.map((hash) => safeDecode(hash));
  if (proof.some((hash) => hash === undefined)) {
    throw new ApiError({ kind: 'bad-reply', detail: 'malformed proof hash' });
  }
  if (
    reply.from !== seen.size ||
    reply.to !== view.size ||
    !bytesEqual(safeDecode(reply.fromRootHash) ?? new Uint8Array(), seenRoot) ||
    !bytesEqual(safeDecode(reply.toRootHash) ?? new Uint8Array(), view.rootHash)
  ) {
    return { kind: 'proof-mismatch' };
  }
  try {
    verifyConsistency(seen.size, view.size, proof as Uint8Array[], seenRoot, view.rootHash);
  } catch (error) {
    return { kind: 'inconsistent', detail: messageOf(error) };
  }
  return undefined;
}

function safeDecode(base64: string): Uint8Array | undefined {
  try {
    return decodeBase64(base64);
  } catch {
    return undefined;
  }
}

/** A log entry as this browser read it from its bytes. */
export type DecodedEntry = {
  index: number;
  bytes: Uint8Array;
  /** The entry's text: canonical JSON when it is a valid statement. */
  text: string;
  statement: Statement | null;
  problem: Problem | null;
};

/**
 * Decodes the entry's own bytes rather than believing the server's `statement`, and notes
 * when the two disagree.
 */
export function decodeEntry(entry: LogEntry): DecodedEntry {
  const bytes = safeDecode(entry.entry);
  if (!bytes) {
    return {
      index: entry.index,
      bytes: new Uint8Array(),
      text: '',
      statement: null,
      problem: { kind: 'entry-decode', reason: 'malformed base64' },
    };
  }
  const text = new TextDecoder().decode(bytes);
  const decoded = decodeStatement(bytes);
  if (isStatementProblem(decoded)) {
    return {
      index: entry.index,
      bytes,
      text,
      statement: null,
      problem: { kind: 'entry-decode', reason: decoded.message },
    };
  }
  const problem: Problem | null =
    canonicalize(decoded) === canonicalize(entry.statement) ? null : { kind: 'statement-mismatch' };
  return { index: entry.index, bytes, text, statement: decoded, problem };
}

export const STEPS = [
  'fetchEntry',
  'hashEntry',
  'fetchCheckpoint',
  'verifySignature',
  'checkHistory',
  'fetchProof',
  'verifyInclusion',
] as const;
export type StepId = (typeof STEPS)[number];
export type StepState = 'pending' | 'running' | 'done' | 'failed';

export type EntryVerification = {
  steps: Record<StepId, StepState>;
  entry?: DecodedEntry;
  leafHash?: Uint8Array;
  checkpoint?: CheckpointView;
  /** True while the entry is newer than the latest checkpoint. */
  waiting?: boolean;
  proof?: Uint8Array[];
  outcome: { status: 'running' } | { status: 'verified' } | { status: 'failed'; problem: Problem };
};

export function initialVerification(): EntryVerification {
  return {
    steps: Object.fromEntries(STEPS.map((s) => [s, 'pending'])) as Record<StepId, StepState>,
    outcome: { status: 'running' },
  };
}

class VerificationFailure extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.kind);
    this.problem = problem;
  }
}

const CHECKPOINT_WAIT_MS = 1000;
const CHECKPOINT_WAIT_ATTEMPTS = 30;

/**
 * Checks in this browser that entry `index` is in the log the server signed: the entry's
 * leaf hash (RFC 6962 §2.1), the checkpoint's signature by the key pinned in this browser, its
 * consistency with the checkpoint this browser saw before (RFC 6962 §2.1.2), and the inclusion
 * proof from that leaf to the checkpoint's root (RFC 6962 §2.1.1). Reports each step through
 * `update`.
 */
export async function verifyEntry(
  index: number,
  update: (state: EntryVerification) => void,
  signal: AbortSignal,
  storage = browserStorage(),
): Promise<void> {
  let state = initialVerification();
  const set = (patch: Partial<EntryVerification>) => {
    state = { ...state, ...patch };
    if (!signal.aborted) update(state);
  };
  let current: StepId = STEPS[0];
  const step = (id: StepId, to: StepState) => {
    current = id;
    set({ steps: { ...state.steps, [id]: to } });
  };

  try {
    step('fetchEntry', 'running');
    const page = await fetchEntries({ start: index, limit: 1, order: 'asc' }, signal);
    const served = page.entries[0];
    if (served?.index !== index) throw new VerificationFailure({ kind: 'entry-missing' });
    const entry = decodeEntry(served);
    set({ entry });
    if (entry.problem) throw new VerificationFailure(entry.problem);
    step('fetchEntry', 'done');

    step('hashEntry', 'running');
    const leaf = leafHash(entry.bytes);
    set({ leafHash: leaf });
    if (!bytesEqual(leaf, safeDecode(served.leafHash) ?? new Uint8Array())) {
      throw new VerificationFailure({ kind: 'leaf-hash-mismatch' });
    }
    step('hashEntry', 'done');

    step('fetchCheckpoint', 'running');
    let checkpoint: CheckpointView | undefined;
    for (let attempt = 0; ; attempt++) {
      checkpoint = await verifyCheckpoint(await fetchLogInfo(signal));
      // A new checkpoint follows an append within a second (DESIGN.md, "The log").
      if (checkpoint.problem || index < checkpoint.size || attempt >= CHECKPOINT_WAIT_ATTEMPTS) {
        break;
      }
      set({ checkpoint, waiting: true });
      await sleep(CHECKPOINT_WAIT_MS, signal);
    }
    set({ checkpoint, waiting: false });
    step('fetchCheckpoint', 'done');

    step('verifySignature', 'running');
    checkpoint = checkPinnedKey(checkpoint, storage);
    set({ checkpoint });
    if (checkpoint.problem) throw new VerificationFailure(checkpoint.problem);
    step('verifySignature', 'done');

    step('checkHistory', 'running');
    checkpoint = await checkHistory(checkpoint, {
      storage,
      fetchProof: (from, to) => fetchConsistencyProof(from, to, signal),
    });
    set({ checkpoint });
    if (checkpoint.problem) throw new VerificationFailure(checkpoint.problem);
    step('checkHistory', 'done');

    step('fetchProof', 'running');
    const reply = await fetchInclusionProof(index, checkpoint.size, signal);
    if (reply.index !== index || reply.size !== checkpoint.size) {
      throw new VerificationFailure({ kind: 'proof-mismatch' });
    }
    const proof = reply.proof.map((hash) => safeDecode(hash));
    if (proof.some((hash) => hash === undefined)) {
      throw new VerificationFailure({
        kind: 'api',
        failure: { kind: 'bad-reply', detail: 'malformed proof hash' },
      });
    }
    const hashes = proof as Uint8Array[];
    set({ proof: hashes });
    step('fetchProof', 'done');

    step('verifyInclusion', 'running');
    try {
      verifyInclusion(leaf, index, checkpoint.size, hashes, checkpoint.rootHash);
    } catch (error) {
      throw new VerificationFailure({ kind: 'inclusion', reason: messageOf(error) });
    }
    step('verifyInclusion', 'done');
    set({ outcome: { status: 'verified' } });
  } catch (error) {
    if (signal.aborted) return;
    const problem: Problem =
      error instanceof VerificationFailure
        ? error.problem
        : error instanceof ApiError
          ? { kind: 'api', failure: error.failure }
          : { kind: 'unexpected', reason: messageOf(error) };
    step(current, 'failed');
    set({ outcome: { status: 'failed', problem } });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
