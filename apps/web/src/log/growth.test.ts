import { describe, expect, it } from 'vitest';
import { growthOf, growthPaths } from './growth.ts';

describe('growthOf', () => {
  it('counts entries over time in log order, whatever order they were loaded in', () => {
    const growth = growthOf([
      { index: 12, time: '2025-01-03T00:00:00.000Z' },
      { index: 10, time: '2025-01-01T00:00:00.000Z' },
      { index: 11, time: '2025-01-02T00:00:00.000Z' },
    ]);
    expect(growth?.base).toBe(10);
    expect(growth?.points.map((p) => p.count)).toEqual([11, 12, 13]);
    expect(growth?.end).toBe(Date.parse('2025-01-03T00:00:00.000Z'));
  });

  it('never steps back in time', () => {
    const growth = growthOf([
      { index: 0, time: '2025-01-02T00:00:00.000Z' },
      { index: 1, time: '2025-01-01T00:00:00.000Z' },
      { index: 2, time: '2025-01-03T00:00:00.000Z' },
    ]);
    expect(growth?.points.map((p) => new Date(p.time).getUTCDate())).toEqual([2, 2, 3]);
  });

  it('has nothing to draw for a single moment', () => {
    expect(growthOf([])).toBeNull();
    expect(growthOf([{ index: 0, time: '2025-01-01T00:00:00.000Z' }])).toBeNull();
  });
});

describe('growthPaths', () => {
  it('draws a step line from the bottom left to the top right', () => {
    const growth = growthOf([
      { index: 0, time: '2025-01-01T00:00:00.000Z' },
      { index: 1, time: '2025-01-03T00:00:00.000Z' },
    ]);
    if (!growth) throw new Error('expected a curve');
    const { line, area } = growthPaths(growth, 100, 50);
    expect(line).toBe('M0 50 H0 V25 H100 V0 H100');
    expect(area).toBe(`${line} V50 H0 Z`);
  });
});
