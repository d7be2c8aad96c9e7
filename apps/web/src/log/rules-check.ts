import { bytesEqual } from '@allmende/bytes';
import { decodeStatement, isStatementProblem } from '@allmende/protocol';
import { RuleAudit, type Violation } from '@allmende/rules';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  entriesPath,
  entryBundlesForSize,
  leafHash,
  treeHash,
} from '@allmende/tlog';

/**
 * "Rules kept" on the log page: this browser replays the log from the genesis up to a checkpoint
 * it verified, against the rules in force at each entry (@allmende/rules, as `allmende verify`
 * does). The entries come as C2SP entry bundles, the log's own bytes; they count only once the
 * Merkle root of all of them (RFC 6962 §2.1) is the checkpoint's, so a server cannot have a
 * different log checked than the one it signed.
 */

/** A checkpoint this browser verified: the log it signs has `size` entries with this root. */
export type RulesTarget = { size: number; rootHash: Uint8Array };

export type RulesProgress = { checked: number; total: number };

export type RulesProblem =
  | { kind: 'fetch'; detail: string }
  | { kind: 'bundle'; index: number; detail: string }
  | { kind: 'not-a-statement'; index: number; detail: string }
  | { kind: 'root-mismatch'; size: number };

export type RulesOutcome =
  | {
      kind: 'checked';
      /** The checkpoint size the replay reached: entries 0 to size - 1. */
      size: number;
      violations: Violation[];
    }
  | { kind: 'failed'; problem: RulesProblem };

/** Fetches the bytes at a path under `/log/` (a C2SP tlog-tiles entry bundle). */
export type FetchBundle = (path: string, signal?: AbortSignal) => Promise<Uint8Array>;

class RulesFailure extends Error {
  readonly problem: RulesProblem;
  constructor(problem: RulesProblem) {
    super(problem.kind);
    this.problem = problem;
  }
}

/** Lets the thread handle other work between bundles, so that a long replay never blocks it. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Keeps the replay between checkpoints: a newer checkpoint costs only the entries it adds. The
 * leaf hashes (32 bytes an entry) stay, so that each checkpoint's root is computed from every
 * entry; the audit keeps the rules' state. After any failure it starts again from the genesis.
 */
export class RulesChecker {
  readonly #fetchBundle: FetchBundle;
  readonly #pause: () => Promise<void>;
  #audit = new RuleAudit();
  #leaves: Uint8Array[] = [];

  constructor(fetchBundle: FetchBundle, pause: () => Promise<void> = yieldToEventLoop) {
    this.#fetchBundle = fetchBundle;
    this.#pause = pause;
  }

  /** Replays the entries up to `target.size` that were not replayed yet; reports each bundle. */
  async advance(
    target: RulesTarget,
    onProgress: (progress: RulesProgress) => void = () => {},
    signal?: AbortSignal,
  ): Promise<RulesOutcome> {
    if (target.size < this.#leaves.length) this.#reset();
    try {
      for (const bundle of entryBundlesForSize(target.size, this.#leaves.length)) {
        const first = bundle.index * TILE_WIDTH;
        const bytes = await this.#fetch(entriesPath(bundle.index, bundle.width), signal);
        let entries: Uint8Array[];
        try {
          entries = decodeEntryBundle(bytes, bundle.width);
        } catch (error) {
          throw new RulesFailure({ kind: 'bundle', index: first, detail: messageOf(error) });
        }
        // A partial bundle fetched again holds entries replayed before: skip those.
        for (let i = this.#leaves.length - first; i < entries.length; i++) {
          await this.#replay(first + i, entries[i]!);
        }
        onProgress({ checked: this.#leaves.length, total: target.size });
        signal?.throwIfAborted();
        await this.#pause();
      }
      if (!bytesEqual(treeHash(this.#leaves), target.rootHash)) {
        throw new RulesFailure({ kind: 'root-mismatch', size: target.size });
      }
      return { kind: 'checked', size: target.size, violations: [...this.#audit.violations] };
    } catch (error) {
      this.#reset();
      if (error instanceof RulesFailure) return { kind: 'failed', problem: error.problem };
      if (signal?.aborted) throw error;
      return { kind: 'failed', problem: { kind: 'fetch', detail: messageOf(error) } };
    }
  }

  async #fetch(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await this.#fetchBundle(path, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RulesFailure({ kind: 'fetch', detail: messageOf(error) });
    }
  }

  async #replay(index: number, bytes: Uint8Array): Promise<void> {
    this.#leaves.push(leafHash(bytes));
    const statement = decodeStatement(bytes);
    if (isStatementProblem(statement)) {
      throw new RulesFailure({ kind: 'not-a-statement', index, detail: statement.message });
    }
    await this.#audit.check({ index, statement });
  }

  #reset(): void {
    this.#audit = new RuleAudit();
    this.#leaves = [];
  }
}

/** Fetches an entry bundle from this origin's `/log/`, refusing anything but a 200. */
export async function fetchLogBundle(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(`/log/${path}`, { signal });
  if (response.status !== 200) throw new Error(`GET /log/${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
