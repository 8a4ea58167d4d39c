/**
 * ETags and conditional GET: every 200 answer to a GET carries a weak ETag of its body, and
 * a request whose If-None-Match names it gets 304 with no body. Definitions, their versions
 * and /openapi.json change rarely, so a client polling them (the console, a CI script)
 * moves no body until they do. `Cache-Control: no-cache` keeps every read revalidated: an
 * answer is never reused without asking, so nothing stale is shown.
 */
import type { Context, Next } from 'koa';
import { weakEtag } from './etag.js';

/** The middleware; runs inside the routers, after the handler has set the body. */
export function conditionalGetMiddleware() {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || ctx.respond === false) return;
    // The console's files and kept answers (a finished execution's detail) carry theirs, computed once.
    let etag = ctx.response.get('ETag') as string | undefined;
    if (etag === undefined || etag === '') {
      const text = bodyText(ctx.body);
      if (text === null) return;
      if (typeof ctx.body !== 'string' && !Buffer.isBuffer(ctx.body)) ctx.body = text; // serialised once, here
      etag = weakEtag(text);
      ctx.set('ETag', etag);
    }
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-cache');
    if (matchesEtag(ctx.get('If-None-Match'), etag)) ctx.status = 304;
  };
}

/**
 * If-None-Match by weak comparison (RFC 9110 13.1.2). Koa's `ctx.fresh` is not used: it
 * answers stale whenever the request says `Cache-Control: no-cache`, which fetch() adds to
 * every request that sets If-None-Match itself.
 */
export function matchesEtag(header: string, etag: string): boolean {
  if (header === '') return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

function bodyText(body: unknown): string | Buffer | null {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body === null || typeof body !== 'object' || typeof (body as { pipe?: unknown }).pipe === 'function') return null;
  return JSON.stringify(body);
}
