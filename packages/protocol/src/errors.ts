import { z } from 'zod';

/**
 * Every error the API answers with. Codes are SCREAMING_SNAKE, prefixed by their domain; the
 * server maps each to an HTTP status with an exhaustive Record (apps/server/src/http/errors.ts).
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INTERNAL',
  'UNAVAILABLE',
  'LOG_BAD_REQUEST',
  'LOG_ENTRY_NOT_FOUND',
  'LOG_SIZE_BEYOND_TREE',
  'LOG_BAD_TILE_PATH',
  'LOG_TILE_NOT_FOUND',
  'LOG_STATEMENT_INVALID',
  'LOG_STATEMENT_TOO_LARGE',
  'CONFIG_INVALID',
  'STATEMENT_REFUSED',
  'STATEMENT_REPLAYED',
  'PROPOSAL_CLOSED',
  'INVITATION_INVALID',
  'HANDLE_TAKEN',
  'AUTH_FAILED',
  'AUTH_THROTTLED',
  'AUTH_CSRF',
  'WIKI_BAD_PATH',
  'WIKI_PAGE_NOT_FOUND',
  'WIKI_REVISION_NOT_FOUND',
  'WIKI_ATTACHMENT_NOT_FOUND',
  'WIKI_ATTACHMENT_EXISTS',
  'WIKI_CONFLICT',
  'WIKI_READ_ONLY',
  'WIKI_TOO_LARGE',
  'DESK_TICKET_NOT_FOUND',
  'DESK_UNKNOWN_SERVICE',
  'DESK_BAD_TRANSITION',
  'DESK_NOT_ALLOWED',
  'DESK_BAD_ASSIGNEE',
  'HOST_ENROLMENT_INVALID',
  'HOST_NOT_ENROLLED',
  'AGENT_BAD_MESSAGE',
  'AGENT_AUTH_FAILED',
  'SESSION_NOT_FOUND',
  'SESSION_REFUSED',
  'SESSION_FILE_TRANSFER_REFUSED',
  'SESSION_NO_RECIPIENTS',
  'SESSION_NOT_ALLOWED',
  'SESSION_ENDED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** For STATEMENT_REFUSED: the rule the statement breaks, e.g. "consent.vouches". */
    rule: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
