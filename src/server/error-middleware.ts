/**
 * The one place a failure becomes an HTTP response: every error is JSON
 * `{error: {code, message, details}}` with the status from ERROR_STATUS. An error
 * that is not a HarmoniaError is logged with its stack and answered with a generic
 * 500 naming the request id, never the stack.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { HarmoniaError, isHarmoniaError, type ErrorCode } from '../core/errors.js';
import type { ErrorResponse } from '../core/wire.js';
import { ERROR_STATUS } from '../core/error-status.js';
import type { SecretMasker } from '../core/secret-masker.js';
import { maskSecrets } from './mask-secrets.js';
import { ACCEPTED_CODINGS } from './read-body.js';

/** The status and JSON body for any thrown value; `masker` hides the secrets it knows in the message and details. */
export function errorResponse(error: unknown, requestId: string, masker?: SecretMasker): { status: number; body: ErrorResponse; internal: boolean } {
  const known = isHarmoniaError(error) ? error : fromHttpError(error);
  if (known) {
    const details = maskSecrets(known.details, masker);
    return {
      status: ERROR_STATUS[known.code],
      body: {
        error: {
          code: known.code,
          // Masked first, then bounded: a cut must not leave part of a secret unrecognised.
          message: bounded(masker ? masker.maskText(known.message) : known.message),
          details: isPlainObject(details) ? Object.fromEntries(Object.entries(details).map(([key, value]) => [key, typeof value === 'string' ? bounded(value) : value])) : details,
        },
      },
      internal: false,
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: `internal error; quote request id '${requestId}' when reporting it`,
        details: { request_id: requestId },
      },
    },
    internal: true,
  };
}

/** Characters of a message or detail an error quotes: a 1 MiB ref sent is not answered twice over. */
const MAX_QUOTED = 1_000;

function bounded(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length - MAX_QUOTED} more characters)` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Catches everything below it; turns an unmatched route into NOT_FOUND. */
export function errorMiddleware(logger: Logger, masker?: SecretMasker): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        throw new HarmoniaError('NOT_FOUND', `no route for ${ctx.method} '${ctx.path}'; see /openapi.json`);
      }
    } catch (error) {
      const requestId = String(ctx.state.request_id ?? '');
      const { status, body, internal } = errorResponse(error, requestId, masker);
      if (internal) logger.error(maskSecrets({ err: errorFields(error), request_id: requestId }, masker), 'unhandled error');
      if (ctx.headerSent || !ctx.writable) return;
      ctx.status = status;
      ctx.body = body;
      if (status === 413) ctx.set('Connection', 'close');
      // RFC 9110 §15.5.16: a 415 for a content coding names the ones accepted; for a media type it says the same truth.
      if (status === 415) ctx.set('Accept-Encoding', ACCEPTED_CODINGS.join(', '));
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="harmonia"');
    }
  };
}

/** An error as a log may show it once masked: its message and stack as plain strings. */
function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { type: error.name, message: error.message, stack: error.stack ?? '' };
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'REQUEST_INVALID',
  401: 'AUTH_REQUIRED',
  403: 'AUTH_FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'REQUEST_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Koa and Node raise http-errors (`status`, `expose`) for malformed requests; keep their 4xx. */
function fromHttpError(error: unknown): HarmoniaError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || expose !== true) return null;
  const code = HTTP_CODES[status] ?? (status >= 400 && status < 500 ? 'REQUEST_INVALID' : null);
  if (code === null) return null;
  return new HarmoniaError(code, typeof message === 'string' ? message.toLowerCase() : 'bad request');
}
