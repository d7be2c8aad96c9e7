/** Why `allmende log verify` failed. */
export const VERIFY_ERROR_CODES = [
  /** The URL, verifier key, previous checkpoint or cache folder given is unusable. */
  'VERIFY_BAD_INPUT',
  /** The log could not be read: connection failure, error status, oversized response. */
  'VERIFY_NETWORK',
  /** A checkpoint is malformed, wrongly signed or for another origin. */
  'VERIFY_BAD_CHECKPOINT',
  /** A tile, an entry bundle or the tree does not hash to what the checkpoint commits to. */
  'VERIFY_MISMATCH',
  /** An entry is not a valid statement. */
  'VERIFY_BAD_ENTRY',
  /** An earlier checkpoint is not a prefix of this one: the log forked or shrank. */
  'VERIFY_INCONSISTENT',
  /** The checkpoint carries fewer valid cosignatures of the given witnesses than required. */
  'VERIFY_WITNESS_QUORUM',
] as const;

export type VerifyErrorCode = (typeof VERIFY_ERROR_CODES)[number];

/** The first problem `verifyLog` found; `message` is meant for the person running it. */
export class VerifyError extends Error {
  readonly code: VerifyErrorCode;

  constructor(code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifyError';
    this.code = code;
  }
}
