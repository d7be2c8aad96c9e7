import type { FastifyReply } from 'fastify';

/** Files served as themselves; anything else is a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Serves an uploaded or mailed file: images as themselves, everything else as a download, so
 * that an HTML file never runs as a page of this site — and even a file the browser shows runs
 * nothing (a sandboxing CSP). The name is the uploader's and may hold anything: it goes out
 * percent-encoded (RFC 6266, RFC 8187), with a plain ASCII fallback.
 */
export function sendFile(
  reply: FastifyReply,
  file: { bytes: Uint8Array; contentType: string; name: string },
) {
  const type = file.contentType.toLowerCase().split(';')[0]!.trim();
  const inline = INLINE_TYPES.has(type);
  reply
    .header('content-type', inline ? type : 'application/octet-stream')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-cache');
  if (!inline) {
    const ascii = file.name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 200) || 'file';
    reply.header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name.slice(0, 200))}`,
    );
  }
  return reply.send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
}
