import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCodesOf } from '../../../test/support/error-codes.ts';
import { CliError } from './cli.ts';
import { formatCost, parseCost } from './cost.ts';

const { thrownCode } = errorCodesOf(CliError);

describe('parseCost', () => {
  it('reads the ways members write a monthly cost, in the smallest unit', () => {
    expect(parseCost('12.50EUR')).toEqual({ amount: 1250, currency: 'EUR' });
    expect(parseCost('12,5 eur')).toEqual({ amount: 1250, currency: 'EUR' });
    expect(parseCost('EUR 12.50')).toEqual({ amount: 1250, currency: 'EUR' });
    expect(parseCost(' 7 CHF ')).toEqual({ amount: 700, currency: 'CHF' });
    expect(parseCost('0.07EUR')).toEqual({ amount: 7, currency: 'EUR' });
    expect(parseCost('1000 JPY')).toEqual({ amount: 1000, currency: 'JPY' });
    expect(parseCost('1.234 KWD')).toEqual({ amount: 1234, currency: 'KWD' });
  });

  it('refuses what is not a cost, with the reason', () => {
    for (const text of ['', '12.50', 'EUR', '-3 EUR', '1e3 EUR', '12.50 EURO', '1,250.00 EUR']) {
      expect(
        thrownCode(() => parseCost(text)),
        text,
      ).toBe('CLI_BAD_INPUT');
    }
    expect(() => parseCost('12.345 EUR')).toThrow('EUR has 2 decimal places');
    expect(() => parseCost('1.5 JPY')).toThrow('JPY has no decimal places');
    expect(() => parseCost('12 XYZ')).toThrow('XYZ is not an ISO 4217 currency code');
    expect(() => parseCost('2000000 EUR')).toThrow('a monthly cost is at most 1000000.00 EUR');
  });

  it('reads back what formatCost writes, for every amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.constantFrom('EUR', 'CHF', 'JPY', 'KWD'),
        (amount, currency) => {
          expect(parseCost(formatCost({ amount, currency }))).toEqual({ amount, currency });
        },
      ),
    );
    expect(formatCost({ amount: 1250, currency: 'EUR' })).toBe('12.50 EUR');
    expect(formatCost({ amount: 5, currency: 'EUR' })).toBe('0.05 EUR');
    expect(formatCost({ amount: 1000, currency: 'JPY' })).toBe('1000 JPY');
  });
});
