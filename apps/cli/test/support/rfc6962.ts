import { createHash } from 'node:crypto';

// RFC 6962 §2.1 written out from the RFC alone, with Node's SHA-256: the Merkle Tree Hash and
// PROOF(m, D[n]), so that witness tests build their requests as any other implementer would.

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** The largest power of two smaller than n, for n > 1. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]). */
export function mth(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return sha256(new Uint8Array([0]), entries[0]!);
  const k = split(entries.length);
  return sha256(new Uint8Array([1]), mth(entries.slice(0, k)), mth(entries.slice(k)));
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2. */
export function consistencyProof(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, entries, true);
}

function subproof(m: number, entries: readonly Uint8Array[], complete: boolean): Uint8Array[] {
  const n = entries.length;
  if (m === n) return complete ? [] : [mth(entries)];
  const k = split(n);
  if (m <= k) return [...subproof(m, entries.slice(0, k), complete), mth(entries.slice(k))];
  return [...subproof(m - k, entries.slice(k), false), mth(entries.slice(0, k))];
}
