/**
 * gzip for large answers when the client accepts it (Accept-Encoding). Small answers are
 * sent as they are (compressing them costs more than it saves), and streams are never
 * compressed: SSE must reach the client event by event, and WebSockets do not pass here.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Context, Next } from 'koa';

const gzipAsync = promisify(gzip);

/** Answers smaller than this many bytes are not compressed. */
export const COMPRESS_MIN_BYTES = 1024;

const COMPRESSIBLE = /json|^text\/(?!event-stream)|javascript|css|svg|xml/;

/** The middleware; runs outside conditional GET, so an ETag names the uncompressed body. */
export function compressMiddleware() {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.respond === false || ctx.method === 'HEAD' || ctx.response.get('Content-Encoding')) return;
    const body: unknown = ctx.body;
    // Measured without copying: most answers go out as they are.
    const length = typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
    if (length < COMPRESS_MIN_BYTES || !COMPRESSIBLE.test(ctx.response.type)) return;
    ctx.vary('Accept-Encoding');
    // Without Accept-Encoding, negotiation would choose identity: skip it.
    if (ctx.get('Accept-Encoding') === '' || ctx.acceptsEncodings('gzip', 'identity') !== 'gzip') return;
    const compressed = await gzipAsync(typeof body === 'string' ? Buffer.from(body) : (body as Buffer));
    ctx.body = compressed;
    ctx.set('Content-Encoding', 'gzip');
  };
}
