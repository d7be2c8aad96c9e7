import { writeSync } from 'node:fs';
import type pty from '@lydell/node-pty';

/** How often input that the shell's terminal did not take is offered again. */
const RETRY_MS = 10;

/**
 * The shell's input, written to its terminal's master without ever blocking the recorder.
 *
 * node-pty writes through a TTY stream, and libuv retries a TTY's write until it is done. When
 * the shell reads nothing and its terminal is full (a paste into a busy shell), that spun the
 * whole recorder, its channel to the server included, until the shell read: forever, once the
 * shell had exited. Here the master (non-blocking) takes what it can at once; the rest waits
 * here, is offered again every few milliseconds, and counts for the recorder's pacing.
 */
export class TerminalInput {
  readonly #fd: number;
  readonly #drained: () => void;
  readonly #queue: Buffer[] = [];
  #waiting = 0;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  /** `drained` runs when all that had to wait has been taken. */
  constructor(terminal: pty.IPty, drained: () => void) {
    // The master's descriptor: node-pty has it as `fd`, not in its types.
    const fd = (terminal as unknown as { fd?: unknown }).fd;
    if (typeof fd !== 'number') {
      throw new Error("node-pty gave no file descriptor for the shell's terminal");
    }
    this.#fd = fd;
    this.#drained = drained;
  }

  /** Bytes written that the terminal has not taken yet. */
  get waiting(): number {
    return this.#waiting;
  }

  write(data: Buffer): void {
    if (this.#closed || data.length === 0) return;
    this.#queue.push(data);
    this.#waiting += data.length;
    // Anything that waited before is offered again by the timer, in order.
    if (this.#queue.length === 1) this.#flush(false);
  }

  /** The terminal is gone: what still waits is dropped, as a closed terminal drops it. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#queue.length = 0;
    this.#waiting = 0;
  }

  #flush(held: boolean): void {
    this.#retry = undefined;
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      let written: number;
      try {
        written = writeSync(this.#fd, head);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return this.close();
        written = 0;
      }
      this.#waiting -= written;
      if (written < head.length) {
        this.#queue[0] = head.subarray(written);
        this.#retry = setTimeout(() => this.#flush(true), RETRY_MS);
        return;
      }
      this.#queue.shift();
    }
    if (held) this.#drained();
  }
}
