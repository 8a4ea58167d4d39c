/**
 * Gives every request an id (the caller's X-Request-Id when it is sane), echoes
 * it, times the request, logs one structured line and feeds the HTTP metrics.
 */
import { timeOrderedId } from '../core/time-ordered-id.js';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { keptRequestOf } from './kept-request.js';
import { maskUrl } from './mask-secrets.js';
import type { HttpMetrics } from './metrics.js';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The caller's X-Request-Id (`''` when none) when it is sane, else a new UUID (time-ordered:
 * one flat string, where randomUUID joins one from twenty pieces on every request).
 */
export function requestIdFrom(given: string): string {
  return SANE_ID.test(given) ? given : timeOrderedId();
}

/** Request id, access log and request metrics. Must run outside the error middleware. */
export function requestLogMiddleware(logger: Logger, metrics: HttpMetrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    // A request a fast path handed on keeps the id its handler already saw.
    const requestId = keptRequestOf(ctx.req)?.request_id ?? requestIdFrom(ctx.get('X-Request-Id'));
    ctx.state.request_id = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx.state.route === 'string' ? ctx.state.route : 'unmatched';
      // streamed responses (SSE) are counted when they start, with their 200
      const status = ctx.respond === false ? 200 : ctx.status;
      metrics.observeRequest(ctx.method, route, status, seconds);
      // The line (and the masking of its URL) is built only when it will be written.
      if (logger.isLevelEnabled('info')) logger.info(
        {
          request_id: requestId,
          method: ctx.method,
          url: maskUrl(ctx.originalUrl),
          route,
          status,
          duration_ms: Math.round(seconds * 1e6) / 1e3,
          principal: typeof ctx.state.principal_id === 'string' ? ctx.state.principal_id : undefined,
        },
        'request',
      );
    }
  };
}
