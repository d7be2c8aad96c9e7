import type { ErrorBody, ErrorCode } from '@allmende/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';

/** Exhaustive: adding an error code without a status is a type error. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  LOG_BAD_REQUEST: 400,
  LOG_ENTRY_NOT_FOUND: 404,
  LOG_SIZE_BEYOND_TREE: 400,
  LOG_BAD_TILE_PATH: 400,
  LOG_TILE_NOT_FOUND: 404,
  LOG_STATEMENT_INVALID: 400,
  LOG_STATEMENT_TOO_LARGE: 413,
  CONFIG_INVALID: 500,
  STATEMENT_REFUSED: 422,
  STATEMENT_REPLAYED: 409,
  PROPOSAL_CLOSED: 409,
  INVITATION_INVALID: 400,
  HANDLE_TAKEN: 409,
  AUTH_FAILED: 401,
  AUTH_THROTTLED: 429,
  AUTH_CSRF: 403,
  WIKI_BAD_PATH: 400,
  WIKI_PAGE_NOT_FOUND: 404,
  WIKI_REVISION_NOT_FOUND: 404,
  WIKI_ATTACHMENT_NOT_FOUND: 404,
  WIKI_ATTACHMENT_EXISTS: 409,
  WIKI_CONFLICT: 409,
  WIKI_READ_ONLY: 403,
  WIKI_TOO_LARGE: 413,
  DESK_TICKET_NOT_FOUND: 404,
  DESK_UNKNOWN_SERVICE: 400,
  DESK_BAD_TRANSITION: 409,
  DESK_NOT_ALLOWED: 403,
  DESK_BAD_ASSIGNEE: 400,
  DESK_ATTACHMENT_NOT_FOUND: 404,
  DESK_CONFIRMATION_INVALID: 400,
  DESK_THROTTLED: 429,
  DESK_MAIL_UNAVAILABLE: 503,
  ACCESS_REQUEST_NOT_FOUND: 404,
  ACCESS_NOT_ISSUED: 409,
  ACCESS_CA_FAILED: 500,
  ACCESS_CERT_INVALID: 400,
  ACCESS_CERT_WRONG_CA: 403,
  ACCESS_CERT_EXPIRED: 403,
  ACCESS_CERT_UNKNOWN: 403,
  ACCESS_CERT_REVOKED: 403,
  ACCESS_CERT_WRONG_HOST: 403,
  ACCESS_CERT_WRONG_PRINCIPAL: 403,
  HOST_ENROLMENT_INVALID: 400,
  HOST_NOT_ENROLLED: 404,
  AGENT_BAD_MESSAGE: 400,
  AGENT_AUTH_FAILED: 401,
  SESSION_NOT_FOUND: 404,
  SESSION_REFUSED: 403,
  SESSION_FILE_TRANSFER_REFUSED: 403,
  SESSION_NO_RECIPIENTS: 409,
  SESSION_NOT_ALLOWED: 403,
  SESSION_ENDED: 409,
};

/** Fastify's own errors for malformed requests, in our words. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

export function errorBody(code: ErrorCode, message: string, rule?: string): ErrorBody {
  return { error: rule ? { code, message, rule } : { code, message } };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply
        .status(HTTP_STATUS[error.code])
        .send(errorBody(error.code, error.message, error.rule));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const detail = error.validation
        .map((issue) => `${issue.instancePath || where}: ${issue.message}`)
        .join('; ');
      return reply.status(400).send(errorBody('BAD_REQUEST', `invalid ${where}: ${detail}`));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(HTTP_STATUS[known]).send(errorBody(known, error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody('BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL', 'internal error'));
  });
}
