/**
 * A small Prometheus registry: counters and gauges with fixed label sets, rendered in the text
 * exposition format at /metrics. Enough for the server's own figures; no dependency.
 */
type Sample = { labels: string; value: number };

class Metric {
  readonly #samples = new Map<string, Sample>();
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';

  constructor(name: string, help: string, type: 'counter' | 'gauge') {
    this.name = name;
    this.help = help;
    this.type = type;
  }

  #sample(labels: Record<string, string>): Sample {
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
      .join(',');
    let sample = this.#samples.get(key);
    if (!sample) {
      sample = { labels: key, value: 0 };
      this.#samples.set(key, sample);
    }
    return sample;
  }

  inc(by = 1, labels: Record<string, string> = {}): void {
    this.#sample(labels).value += by;
  }

  set(value: number, labels: Record<string, string> = {}): void {
    this.#sample(labels).value = value;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.#samples.values()) {
      lines.push(`${this.name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  readonly #metrics: Metric[] = [];

  counter(name: string, help: string): Metric {
    return this.#add(new Metric(name, help, 'counter'));
  }

  gauge(name: string, help: string): Metric {
    return this.#add(new Metric(name, help, 'gauge'));
  }

  #add(metric: Metric): Metric {
    this.#metrics.push(metric);
    return metric;
  }

  render(): string {
    return `${this.#metrics.map((m) => m.render()).join('\n')}\n`;
  }
}
