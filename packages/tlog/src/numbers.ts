import { TlogError } from './errors.ts';

// Tree sizes and indexes are JavaScript numbers, exact up to 2^53 - 1. Bitwise operators work on
// 32 bits only, so the arithmetic here uses division and multiplication by powers of two.

const TWO_32 = 0x1_0000_0000;

export function isIndex(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Throws unless `value` is a safe non-negative integer. */
export function requireIndex(value: unknown, what: string): asserts value is number {
  if (!isIndex(value)) {
    throw new TlogError('TLOG_BAD_ARGUMENT', `${what} must be an integer from 0 to 2^53-1`);
  }
}

/** The number of bits needed to write n (0 for 0). */
export function bitLength(n: number): number {
  if (n < TWO_32) return 32 - Math.clz32(n);
  return 32 + bitLength(Math.floor(n / TWO_32));
}

/** The largest power of two that is ≤ n, for n ≥ 1. */
export function floorPow2(n: number): number {
  return 2 ** (bitLength(n) - 1);
}

/** The largest power of two strictly below n, for n ≥ 2 (RFC 6962 §2.1's k). */
export function splitPoint(n: number): number {
  return floorPow2(n - 1);
}

/** The largest power of two that divides n, for n ≥ 1. */
export function lowestBit(n: number): number {
  let bit = 1;
  while (n % (bit * 2) === 0) bit *= 2;
  return bit;
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}
