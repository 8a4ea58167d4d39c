/**
 * CORS for the origins an operator allows (`allowed_origins`, HARMONIA_ALLOWED_ORIGINS), so
 * a browser app on another origin can call the API and open the streams with a bearer token.
 * Other origins get no CORS headers, and their browsers keep the answers from them.
 * No cookies are used, so credentials are never allowed.
 */
import type { Context, Next } from 'koa';

const METHODS = 'GET, POST, PUT, PATCH, DELETE';
const HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Harmonia-Token';
/** The response headers a page on an allowed origin may read. */
export const CORS_EXPOSED_HEADERS = 'X-Request-Id, Location, Retry-After';

/** The middleware; a no-op when no origin is allowed. */
export function corsMiddleware(allowed: readonly string[]) {
  const any = allowed.includes('*');
  return async (ctx: Context, next: Next): Promise<void> => {
    const origin = ctx.get('Origin');
    if (allowed.length === 0 || origin === '' || !(any || allowed.includes(origin))) return next();
    ctx.set('Access-Control-Allow-Origin', any ? '*' : origin);
    ctx.vary('Origin');
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '') {
      ctx.set('Access-Control-Allow-Methods', METHODS);
      ctx.set('Access-Control-Allow-Headers', HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    return next();
  };
}
