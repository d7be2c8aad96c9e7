import { MonthlyCost } from '@allmende/protocol';
import type { z } from 'zod';
import { badInput } from './cli.ts';

export type Cost = z.infer<typeof MonthlyCost>;

/** MonthlyCost's bound, in the smallest unit. */
const MAX_AMOUNT = 100_000_000;
const AMOUNT_FIRST = /^(\d+)(?:[.,](\d+))?\s*([A-Za-z]{3})$/;
const CURRENCY_FIRST = /^([A-Za-z]{3})\s*(\d+)(?:[.,](\d+))?$/;

/** Decimal places of a currency's smallest unit (ISO 4217): 2 for EUR, 0 for JPY, 3 for KWD. */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/**
 * A monthly cost as members write it — "12.50EUR", "12,50 EUR", "EUR 12.50", "7 CHF" — in the
 * currency's smallest unit. Whole and fractional parts are read as integers, never as floats.
 * @throws {CliError} CLI_BAD_INPUT for anything else, an unknown currency, or more decimal
 *   places than the currency has.
 */
export function parseCost(text: string): Cost {
  const trimmed = text.trim();
  const amountFirst = AMOUNT_FIRST.exec(trimmed);
  const currencyFirst = amountFirst ? undefined : CURRENCY_FIRST.exec(trimmed);
  if (!amountFirst && !currencyFirst) {
    throw badInput(`${JSON.stringify(text)} is not a cost: write it like 12.50EUR or "EUR 12.50"`);
  }
  const [whole, fraction = '', code] = amountFirst
    ? [amountFirst[1]!, amountFirst[2], amountFirst[3]!]
    : [currencyFirst![2]!, currencyFirst![3], currencyFirst![1]!];
  const currency = code.toUpperCase();
  if (!Intl.supportedValuesOf('currency').includes(currency)) {
    throw badInput(`${code} is not an ISO 4217 currency code (e.g. EUR, CHF, USD)`);
  }
  const digits = minorDigits(currency);
  if (fraction.length > digits) {
    throw badInput(
      `${text}: ${currency} has ${digits === 0 ? 'no' : digits} decimal place${digits === 1 ? '' : 's'}`,
    );
  }
  const amount = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (amount > MAX_AMOUNT) {
    throw badInput(
      `${text}: a monthly cost is at most ${formatCost({ amount: MAX_AMOUNT, currency })}`,
    );
  }
  const cost = MonthlyCost.safeParse({ amount, currency });
  if (!cost.success) {
    throw badInput(`${text}: ${cost.error.issues[0]?.message ?? 'not a monthly cost'}`);
  }
  return cost.data;
}

/** "12.50 EUR" */
export function formatCost(cost: Cost): string {
  const digits = Intl.supportedValuesOf('currency').includes(cost.currency)
    ? minorDigits(cost.currency)
    : 2;
  const whole = Math.floor(cost.amount / 10 ** digits);
  const fraction = String(cost.amount % 10 ** digits).padStart(digits, '0');
  return `${whole}${digits > 0 ? `.${fraction}` : ''} ${cost.currency}`;
}
