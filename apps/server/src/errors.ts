import type { ErrorCode } from '@allmende/protocol';

/**
 * The one error type of the server. Services throw it with a domain code; the HTTP layer maps
 * the code to a status (http/error-handler.ts), so services never speak HTTP.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** For STATEMENT_REFUSED: the rule broken (packages/rules), so clients can tell which. */
  readonly rule: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; rule?: string }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.rule = options?.rule;
  }
}
