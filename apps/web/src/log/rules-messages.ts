import type { RulesOutcome } from './rules-check.ts';

/** What the log page and the rules worker tell each other. */

/** Check the log up to this verified checkpoint. */
export type RulesRequest = { kind: 'check'; size: number; rootHash: Uint8Array };

export type RulesReply =
  { kind: 'progress'; checked: number; total: number } | { kind: 'outcome'; outcome: RulesOutcome };

export function isRulesRequest(data: unknown): data is RulesRequest {
  if (typeof data !== 'object' || data === null) return false;
  const { kind, size, rootHash } = data as Record<string, unknown>;
  return (
    kind === 'check' &&
    typeof size === 'number' &&
    Number.isSafeInteger(size) &&
    size >= 0 &&
    rootHash instanceof Uint8Array
  );
}
