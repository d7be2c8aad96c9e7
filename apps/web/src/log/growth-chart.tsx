import { useId } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { growthOf, growthPaths } from './growth.ts';

const WIDTH = 600;
const HEIGHT = 160;
const DAY_MS = 86_400_000;

/**
 * Entries over time, drawn from the entries loaded so far. The SVG scales to any width
 * (the stroke does not); its labels are HTML so that they stay readable on a phone.
 */
export function GrowthChart({ entries }: { entries: readonly { index: number; time: string }[] }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const id = useId();
  const growth = growthOf(entries);
  if (!growth) {
    return (
      <figure className="chart">
        <figcaption>{t.chart.title}</figcaption>
        <p className="muted small">{t.chart.tooFew}</p>
      </figure>
    );
  }
  const { line, area, top } = growthPaths(growth, WIDTH, HEIGHT);
  const from = formatNumber(growth.base + 1);
  const to = formatNumber(top);
  // Within a day, minutes alone could label both ends the same.
  const style = growth.end - growth.start < DAY_MS ? 'precise' : 'short';
  const start = formatDateTime(new Date(growth.start), style);
  const end = formatDateTime(new Date(growth.end), style);
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{t.chart.title}</figcaption>
      <div className="chart-plot">
        <div className="chart-y" aria-hidden="true">
          <span>{to}</span>
          <span className="chart-y-name">{t.chart.entriesAxis}</span>
          <span>{formatNumber(growth.base)}</span>
        </div>
        <svg
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
        >
          <desc id={`${id}-desc`}>{t.chart.description(from, start, to, end)}</desc>
          <line className="chart-grid" x1="0" x2={WIDTH} y1="0.5" y2="0.5" />
          <line className="chart-grid" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
          <path className="chart-area" d={area} />
          <path className="chart-line" d={line} />
        </svg>
        <div className="chart-x" aria-hidden="true">
          <span>{start}</span>
          <span>{end}</span>
        </div>
      </div>
    </figure>
  );
}
