/** Why the witness refused a request or could not start; each maps to an HTTP status. */
export const WITNESS_ERROR_CODES = [
  /** The body is not an add-checkpoint request, or its old size exceeds the checkpoint's. */
  'WITNESS_BAD_REQUEST',
  /** The body is larger than any add-checkpoint request needs. */
  'WITNESS_TOO_LARGE',
  /** The checkpoint's origin is not among the logs this witness watches. */
  'WITNESS_UNKNOWN_LOG',
  /** No valid signature by the log's key, or an invalid one. */
  'WITNESS_BAD_SIGNATURE',
  /** The old size is not the size this witness cosigned last. */
  'WITNESS_CONFLICT',
  /** The checkpoint is not consistent with what this witness cosigned before. */
  'WITNESS_INCONSISTENT',
  /** No such path, or nothing cosigned yet for that log. */
  'WITNESS_NOT_FOUND',
  /** The path exists, but not for this method. */
  'WITNESS_METHOD_NOT_ALLOWED',
  /** The witness's folder, key or configuration is unusable. */
  'WITNESS_CONFIG_INVALID',
] as const;
export type WitnessErrorCode = (typeof WITNESS_ERROR_CODES)[number];

/** C2SP tlog-witness, "add-checkpoint": the status code of each refusal. */
export const WITNESS_HTTP_STATUS: Record<WitnessErrorCode, number> = {
  WITNESS_BAD_REQUEST: 400,
  WITNESS_TOO_LARGE: 413,
  WITNESS_UNKNOWN_LOG: 404,
  WITNESS_BAD_SIGNATURE: 403,
  WITNESS_CONFLICT: 409,
  WITNESS_INCONSISTENT: 422,
  WITNESS_NOT_FOUND: 404,
  WITNESS_METHOD_NOT_ALLOWED: 405,
  WITNESS_CONFIG_INVALID: 500,
};

/** The one error of `allmende witness`; `message` is meant for people. */
export class WitnessError extends Error {
  readonly code: WitnessErrorCode;
  /** For WITNESS_CONFLICT: the size this witness cosigned last, which the reply carries. */
  readonly latestSize: number | undefined;

  constructor(
    code: WitnessErrorCode,
    message: string,
    options?: { cause?: unknown; latestSize?: number },
  ) {
    super(message, options);
    this.name = 'WitnessError';
    this.code = code;
    this.latestSize = options?.latestSize;
  }
}
