/** Redraws at most this often; a million entries must not mean a million writes. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

type Output = { write(text: string): boolean; columns?: number };

/**
 * A one-line progress bar for a terminal: `[████░░░░] 42%  420,000 / 1,000,000 entries
 * 95,000/s`, redrawn in place with a carriage return.
 */
export class ProgressBar {
  readonly #out: Output;
  readonly #label: string;
  readonly #started = performance.now();
  #lastDraw = 0;
  #drawn = false;

  constructor(out: Output, label: string) {
    this.#out = out;
    this.#label = label;
  }

  update(done: number, total: number): void {
    const now = performance.now();
    if (done < total && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const fraction = total === 0 ? 1 : done / total;
    const filled = Math.round(fraction * BAR_WIDTH);
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    let line =
      `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)
        .toString()
        .padStart(3)}%  ` +
      `${formatCount(done)} / ${formatCount(total)} ${this.#label}  ${formatCount(rate)}/s`;
    const columns = this.#out.columns ?? 0;
    if (columns > 0 && line.length >= columns) {
      line = line.slice(0, columns - 1);
    }
    this.#out.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }

  /** Removes the bar, so what follows starts on a clean line. */
  clear(): void {
    if (this.#drawn) this.#out.write('\r\x1b[K');
    this.#drawn = false;
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
