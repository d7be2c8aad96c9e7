import { TlogError } from './errors.ts';

// Helpers for this package's tests.

/** The code of the TlogError that `run` throws, or a description of what happened instead. */
export function thrownCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof TlogError ? error.code : `not a TlogError: ${String(error)}`;
  }
  return 'no error';
}

/** The code of the TlogError that `run` rejects with, or a description of what happened. */
export async function rejectedCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return error instanceof TlogError ? error.code : `not a TlogError: ${String(error)}`;
  }
  return 'no error';
}

export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A copy of `bytes` with bit `bit` (0 = most significant of byte 0) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[Math.floor(bit / 8)]! ^= 0x80 >>> (bit % 8);
  return copy;
}
