/** The points of the log's growth curve: after entry `index` at `time`, the log held index + 1. */
export type GrowthPoint = { time: number; count: number };

export type Growth = {
  /** Entries in the log just before the first loaded one. */
  base: number;
  points: GrowthPoint[];
  start: number;
  end: number;
};

/**
 * Builds the curve from whichever entries are loaded, in log order. Times come from the
 * statements, which are not promised to be monotonic, so the curve never steps back in time.
 * Returns null when there is nothing to draw: fewer than two distinct moments.
 */
export function growthOf(entries: readonly { index: number; time: string }[]): Growth | null {
  const sorted = [...entries].sort((a, b) => a.index - b.index);
  const points: GrowthPoint[] = [];
  let latest = -Infinity;
  for (const entry of sorted) {
    const time = Date.parse(entry.time);
    if (Number.isNaN(time)) continue;
    latest = Math.max(latest, time);
    points.push({ time: latest, count: entry.index + 1 });
  }
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || first.time === last.time) return null;
  return { base: first.count - 1, points, start: first.time, end: last.time };
}

/**
 * An SVG path of the step curve in a `width` × `height` box (y grows downwards), plus the
 * closed area beneath it.
 */
export function growthPaths(growth: Growth, width: number, height: number) {
  const top = growth.points.at(-1)?.count ?? growth.base + 1;
  const x = (t: number) => ((t - growth.start) / (growth.end - growth.start)) * width;
  const y = (n: number) => height - ((n - growth.base) / (top - growth.base)) * height;
  const round = (v: number) => Math.round(v * 100) / 100;
  let line = `M0 ${round(y(growth.base))}`;
  for (const point of growth.points) line += ` H${round(x(point.time))} V${round(y(point.count))}`;
  line += ` H${width}`;
  return { line, area: `${line} V${height} H0 Z`, top };
}
