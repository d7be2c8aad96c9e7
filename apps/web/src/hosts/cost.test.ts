import { describe, expect, it } from 'vitest';
import { parseCents, totals } from './cost.ts';

describe('parseCents', () => {
  it('reads amounts as people type them, with a point or a comma', () => {
    expect(parseCents('12.50')).toBe(1250);
    expect(parseCents('12,5')).toBe(1250);
    expect(parseCents(' 8 ')).toBe(800);
    expect(parseCents('0,07')).toBe(7);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', '12.345', '-3', '1e3', '12 €', '1.000,00', '12.']) {
      expect(parseCents(text), text).toBeUndefined();
    }
  });
});

describe('totals', () => {
  it('adds up per currency, never across currencies', () => {
    const host = (amount: number, currency: string) => ({ monthlyCost: { amount, currency } });
    expect(totals([host(1250, 'EUR'), host(899, 'EUR'), host(500, 'CHF')])).toEqual([
      { amount: 500, currency: 'CHF' },
      { amount: 2149, currency: 'EUR' },
    ]);
    expect(totals([])).toEqual([]);
  });
});
