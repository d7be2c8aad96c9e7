import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Checks `Authorization: Bearer <admin token>` in constant time. Both sides are hashed first so
 * the comparison leaks neither the token nor its length.
 */
export function adminGuard(adminToken: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(adminToken);
  return async (request) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new AppError(
        'UNAUTHORIZED',
        'this needs the admin token: Authorization: Bearer <token>',
      );
    }
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
