import type { ErrorCode } from '@allmende/protocol';

/**
 * The one error type of the server. Services throw it with a domain code; the HTTP layer maps
 * the code to a status (http/error-handler.ts), so services never speak HTTP.
 */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}
