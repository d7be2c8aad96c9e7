/** A least-recently-used cache bounded by the total size of its values. */
export class LruCache<V extends { length: number }> {
  readonly #entries = new Map<string, V>();
  readonly #budget: number;
  #used = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (value.length > this.#budget) return;
    const old = this.#entries.get(key);
    if (old) this.#used -= old.length;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#used += value.length;
    for (const [oldest, evicted] of this.#entries) {
      if (this.#used <= this.#budget) break;
      this.#entries.delete(oldest);
      this.#used -= evicted.length;
    }
  }
}
