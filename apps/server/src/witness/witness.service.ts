import { witnessPolicy, type PolicyWitness } from '@allmende/protocol';
import {
  TlogError,
  checkCosignatures,
  encodeBase64,
  parseVerifierKey,
  type VerifierKey,
} from '@allmende/tlog';
import type { CoopService } from '../coop/coop.service.ts';
import type { Checkpoint, LogService } from '../log/log.service.ts';
import type { Metrics } from '../ops/metrics.ts';
import { addCheckpoint } from './witness.client.ts';
import type { StoredCosignature, WitnessRepository } from './witness.repo.ts';

/** First wait after a failure; it doubles with each failure in a row, up to the maximum. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 10_000;
/** 409s in a row that one attempt follows; more means the witness keeps changing its mind. */
const MAX_CONFLICTS = 3;
/** A cosignature dated further ahead than this is refused (C2SP tlog-cosignature allows it). */
const MAX_CLOCK_SKEW_S = 10 * 60;

export type WitnessServiceOptions = {
  repo: WitnessRepository;
  log: LogService;
  coop: CoopService;
  metrics: Metrics;
  fetch?: typeof fetch;
  now?: () => Date;
};

/** A witness of the policy as the server sees it: its latest cosignature and its last answer. */
export type WitnessState = {
  witness: PolicyWitness;
  cosignature: StoredCosignature | undefined;
  /** Whether that cosignature is of the checkpoint served now. */
  onCheckpoint: boolean;
  /** The last failure since the last success, for people. */
  problem: string | undefined;
  lastAttemptAt: Date | undefined;
  failures: number;
};

/**
 * Sends every new checkpoint to the witnesses the current policy names (C2SP tlog-witness),
 * with a consistency proof from the size each cosigned last, and keeps their cosignatures.
 * Appends never wait for it: it follows the log's checkpoints, one request per witness at a
 * time, retrying with backoff.
 */
export class WitnessService {
  readonly #repo: WitnessRepository;
  readonly #log: LogService;
  readonly #coop: CoopService;
  readonly #fetch: typeof fetch;
  readonly #now: () => Date;
  readonly #metrics: ReturnType<typeof witnessMetrics>;
  readonly #cosignatures = new Map<string, StoredCosignature>();
  readonly #workers = new Map<string, WitnessWorker>();
  readonly #unsubscribe: () => void;
  #started = false;
  #closed = false;

  private constructor(options: WitnessServiceOptions, stored: StoredCosignature[]) {
    this.#repo = options.repo;
    this.#log = options.log;
    this.#coop = options.coop;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? (() => new Date());
    this.#metrics = witnessMetrics(options.metrics);
    for (const cosignature of stored) this.#cosignatures.set(cosignature.witnessKey, cosignature);
    this.#unsubscribe = this.#log.onCheckpoint(() => this.#syncAll());
  }

  static async open(options: WitnessServiceOptions): Promise<WitnessService> {
    return new WitnessService(options, await options.repo.all());
  }

  /** Starts sending checkpoints to the witnesses: what a serving server does, not a one-off command. */
  start(): void {
    this.#started = true;
    this.#syncAll();
  }

  /** The policy's witnesses and quorum, each with what it cosigned. */
  states(): { quorum: number; witnesses: WitnessState[] } {
    const { witnesses, quorum } = witnessPolicy(this.#coop.policy().policy);
    return {
      quorum,
      witnesses: witnesses.map((witness) => {
        const worker = this.#workers.get(witness.key);
        const cosignature = this.#cosignatures.get(witness.key);
        const checkpoint = this.#log.checkpoint;
        return {
          witness,
          cosignature,
          onCheckpoint: checkpoint.size > 0 && !!cosignature && covers(cosignature, checkpoint),
          problem: worker?.problem,
          lastAttemptAt: worker?.lastAttemptAt,
          failures: worker?.failures ?? 0,
        };
      }),
    };
  }

  /**
   * The latest checkpoint with the cosignature lines of the policy's witnesses that cosigned
   * it (C2SP tlog-cosignature: extra signature lines of the signed note).
   */
  cosignedNote(checkpoint: Checkpoint = this.#log.checkpoint): string {
    if (checkpoint.size === 0) return checkpoint.note;
    const lines = witnessPolicy(this.#coop.policy().policy).witnesses.flatMap((witness) => {
      const cosignature = this.#cosignatures.get(witness.key);
      return cosignature && covers(cosignature, checkpoint) ? [cosignature.line] : [];
    });
    return checkpoint.note + lines.join('');
  }

  /** Stops sending; requests under way are abandoned. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    for (const worker of this.#workers.values()) worker.stop();
    this.#workers.clear();
  }

  #syncAll(): void {
    if (!this.#started || this.#closed) return;
    const { witnesses } = witnessPolicy(this.#coop.policy().policy);
    const named = new Set(witnesses.map((w) => w.key));
    for (const [key, worker] of this.#workers) {
      if (!named.has(key)) {
        worker.stop();
        this.#workers.delete(key);
      }
    }
    for (const witness of witnesses) {
      let worker = this.#workers.get(witness.key);
      if (!worker) {
        worker = new WitnessWorker(witness, (w, signal) => this.#submit(w, signal), this.#metrics);
        this.#workers.set(witness.key, worker);
      }
      worker.witness = witness;
      worker.kick();
    }
  }

  /**
   * One add-checkpoint exchange for the latest checkpoint, following the witness's 409 to the
   * size it holds.
   * @returns true when the witness holds a cosignature of the latest checkpoint.
   * @throws Error with a message for people when the witness did not cosign it.
   */
  async #submit(witness: PolicyWitness, signal: AbortSignal): Promise<boolean> {
    const checkpoint = this.#log.checkpoint;
    if (checkpoint.size === 0) return true;
    const stored = this.#cosignatures.get(witness.key);
    if (stored && covers(stored, checkpoint)) return true;
    const label = { witness: keyName(witness) };
    let oldSize = stored && stored.size < checkpoint.size ? stored.size : 0;
    for (let conflicts = 0; ;) {
      const proof = (await this.#log.consistencyProof(oldSize, checkpoint.size)).proof;
      const reply = await addCheckpoint(
        this.#fetch,
        witness.url,
        { oldSize, proof, note: checkpoint.note },
        signal,
      );
      switch (reply.kind) {
        case 'cosigned':
          await this.#keep(witness, checkpoint, reply.lines);
          this.#metrics.requests.inc(1, { ...label, outcome: 'cosigned' });
          this.#metrics.cosignedSize.set(checkpoint.size, label);
          return this.#log.checkpoint.size === checkpoint.size;
        case 'conflict':
          this.#metrics.requests.inc(1, { ...label, outcome: 'conflict' });
          if (reply.size > checkpoint.size) {
            throw new Error(
              `the witness cosigned a checkpoint of size ${reply.size}, larger than this log's ${checkpoint.size}: the log lost entries or forked`,
            );
          }
          if (reply.size === oldSize || ++conflicts > MAX_CONFLICTS) {
            throw new Error(`the witness answered 409 again, for size ${reply.size}`);
          }
          oldSize = reply.size;
          continue;
        case 'refused':
          this.#metrics.requests.inc(1, { ...label, outcome: 'refused' });
          throw new Error(
            `the witness refused the checkpoint of size ${checkpoint.size} from size ${oldSize}: ${reply.status} ${reply.message}`,
          );
      }
    }
  }

  /** Keeps the witness's cosignature after checking it: a bad line would spoil the note. */
  async #keep(witness: PolicyWitness, checkpoint: Checkpoint, lines: string): Promise<void> {
    if (!/^(\u2014 [^\n]+\n)+$/u.test(lines)) {
      throw new Error('the witness answered 200 without signature lines');
    }
    let verifier: VerifierKey;
    let check: Awaited<ReturnType<typeof checkCosignatures>>[number] | undefined;
    try {
      verifier = parseVerifierKey(witness.key);
      [check] = await checkCosignatures(checkpoint.note + lines, [verifier]);
    } catch (error) {
      if (!(error instanceof TlogError)) throw error;
      throw new Error(`the witness's answer cannot be read: ${error.message}`, { cause: error });
    }
    if (check?.status !== 'valid') {
      throw new Error(
        check?.status === 'invalid'
          ? "the witness's cosignature does not verify with its key in the policy"
          : 'the witness answered without a cosignature by its key in the policy',
      );
    }
    if (check.timestamp > this.#now().getTime() / 1000 + MAX_CLOCK_SKEW_S) {
      throw new Error(`the witness's cosignature is dated in the future (${check.timestamp})`);
    }
    const cosignature: StoredCosignature = {
      witnessKey: witness.key,
      size: checkpoint.size,
      rootHash: encodeBase64(checkpoint.rootHash),
      line: check.line,
      cosignedAt: new Date(check.timestamp * 1000).toISOString(),
    };
    await this.#repo.store(cosignature);
    this.#cosignatures.set(witness.key, cosignature);
  }
}

/**
 * Whether a cosignature is of this checkpoint: the same size and root. After a restore or a
 * rewrite of the database, a stored cosignature may be of another tree of the same size.
 */
function covers(cosignature: StoredCosignature, checkpoint: Checkpoint): boolean {
  return (
    cosignature.size === checkpoint.size &&
    cosignature.rootHash === encodeBase64(checkpoint.rootHash)
  );
}

/** Sends one witness the latest checkpoint whenever it is behind; one request at a time. */
class WitnessWorker {
  witness: PolicyWitness;
  problem: string | undefined;
  lastAttemptAt: Date | undefined;
  failures = 0;
  readonly #submit: (witness: PolicyWitness, signal: AbortSignal) => Promise<boolean>;
  readonly #metrics: ReturnType<typeof witnessMetrics>;
  readonly #controller = new AbortController();
  #running = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    witness: PolicyWitness,
    submit: (witness: PolicyWitness, signal: AbortSignal) => Promise<boolean>,
    metrics: ReturnType<typeof witnessMetrics>,
  ) {
    this.witness = witness;
    this.#submit = submit;
    this.#metrics = metrics;
  }

  /** A new checkpoint (or policy): send it now, after the request under way, or after the wait. */
  kick(): void {
    if (this.#controller.signal.aborted) return;
    if (this.#running || this.#timer) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#run();
  }

  stop(): void {
    this.#controller.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(): Promise<void> {
    let done: boolean;
    do {
      this.#again = false;
      this.lastAttemptAt = new Date();
      const signal = AbortSignal.any([
        this.#controller.signal,
        AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ]);
      try {
        done = await this.#submit(this.witness, signal);
        this.failures = 0;
        this.problem = undefined;
      } catch (error) {
        if (this.#controller.signal.aborted) break;
        this.failures++;
        this.problem = describe(error);
        this.#metrics.failures.inc(1, { witness: keyName(this.witness) });
        this.#running = false;
        const wait = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.kick();
        }, wait);
        this.#timer.unref();
        return;
      }
    } while ((this.#again || !done) && !this.#controller.signal.aborted);
    this.#running = false;
  }
}

function keyName(witness: PolicyWitness): string {
  return witness.key.split('+')[0] ?? witness.name;
}

/** undici's "fetch failed" keeps the reason (ECONNREFUSED, …) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error.message === 'fetch failed' ? `cannot reach the witness${cause}` : error.message;
}

function witnessMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter(
      'allmende_witness_requests_total',
      'add-checkpoint requests answered by witnesses, by outcome (cosigned, conflict, refused).',
    ),
    failures: metrics.counter(
      'allmende_witness_failures_total',
      'Attempts to have a checkpoint cosigned that failed (retried with backoff).',
    ),
    cosignedSize: metrics.gauge(
      'allmende_witness_cosigned_size',
      'Tree size of the latest checkpoint each witness cosigned.',
    ),
  };
}
