import { Worker } from 'node:worker_threads';
import { checkBundle, type BundleJob, type BundleProblem } from './bundle-check.ts';

type Pending = {
  job: BundleJob;
  resolve: (problem: BundleProblem | undefined) => void;
  reject: (error: unknown) => void;
};

type Thread = { worker: Worker; pending: Map<number, Pending> };

/**
 * Runs {@link checkBundle} on worker threads, so that hashing and statement checks use the
 * cores that downloading leaves idle; with no threads, or once a thread fails, it runs on the
 * calling thread instead.
 */
export class BundleChecker {
  readonly #threads: Thread[] = [];
  #nextId = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = new Worker(new URL('./bundle-worker.ts', import.meta.url));
      } catch {
        break;
      }
      const thread: Thread = { worker, pending: new Map() };
      worker.on('message', (message: { id: number; problem: BundleProblem | undefined }) => {
        const pending = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        pending?.resolve(message.problem);
      });
      // A thread that fails (it could not load, say) is dropped and its jobs are done here.
      worker.on('error', () => this.#drop(thread));
      worker.on('exit', () => this.#drop(thread));
      this.#threads.push(thread);
    }
  }

  /** Worker threads running; 0 when every check runs on the calling thread. */
  get threads(): number {
    return this.#threads.length;
  }

  check(job: BundleJob): Promise<BundleProblem | undefined> {
    let thread: Thread | undefined;
    for (const candidate of this.#threads) {
      if (thread === undefined || candidate.pending.size < thread.pending.size) thread = candidate;
    }
    if (thread === undefined) return Promise.resolve(checkBundle(job));
    const id = this.#nextId++;
    const { worker, pending } = thread;
    // Exact-size copies whose buffers can be transferred rather than cloned: a view into a
    // larger (pooled) buffer would otherwise carry all of it across.
    const entries = new Uint8Array(job.entries);
    const tile = new Uint8Array(job.tile);
    const parentHash = job.parentHash && new Uint8Array(job.parentHash);
    const transfer = [entries.buffer, tile.buffer, ...(parentHash ? [parentHash.buffer] : [])];
    return new Promise((resolve, reject) => {
      pending.set(id, { job, resolve, reject });
      worker.postMessage({ id, job: { ...job, entries, tile, parentHash } }, transfer);
    });
  }

  async close(): Promise<void> {
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  #drop(thread: Thread): void {
    const index = this.#threads.indexOf(thread);
    if (index >= 0) this.#threads.splice(index, 1);
    for (const { job, resolve, reject } of thread.pending.values()) {
      try {
        resolve(checkBundle(job));
      } catch (error) {
        reject(error);
      }
    }
    thread.pending.clear();
  }
}
