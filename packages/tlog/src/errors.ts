/** Every error code that this package throws. */
export const TLOG_ERROR_CODES = [
  'TLOG_BAD_PROOF',
  'TLOG_BAD_NOTE',
  'TLOG_BAD_SIGNATURE',
  'TLOG_BAD_KEY',
  'TLOG_BAD_CHECKPOINT',
  'TLOG_BAD_TILE',
  'TLOG_BAD_BUNDLE',
  'TLOG_BAD_ARGUMENT',
] as const;

export type TlogErrorCode = (typeof TLOG_ERROR_CODES)[number];

/**
 * The one error type of this package. Every function that takes outside input throws it (and
 * nothing else) when that input is malformed or fails verification.
 */
export class TlogError extends Error {
  readonly code: TlogErrorCode;

  constructor(code: TlogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlogError';
    this.code = code;
  }
}
