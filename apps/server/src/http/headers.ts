import type { FastifyInstance } from 'fastify';

/**
 * What every answer carries. The web app loads nothing from elsewhere and runs no inline script,
 * so its policy can be strict. The log is public data meant to be checked from anywhere: its
 * read endpoints may be fetched cross-origin (no credentials are involved).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PUBLIC_READ = /^\/(log\/|api\/log\/(info|entries|proof\/))/;

export function installHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && PUBLIC_READ.test(request.url)) {
      reply.header('access-control-allow-origin', '*');
    }
  });
}
