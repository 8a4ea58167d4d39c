/**
 * The errors the client throws. Every failure is a HarmoniaClientError carrying the
 * server's stable code, the HTTP status (0 when no response arrived) and the
 * error's details; subclasses name the meanings a caller usually branches on.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ErrorCode } from '../core/errors.js';
import type { ErrorResponse } from '../core/wire.js';

/** A server error code, or a code from a newer server this client does not know yet. */
export type ClientErrorCode = ErrorCode | (string & {});

export interface HarmoniaClientErrorOptions {
  /** HTTP status; 0 when the request never got a response. */
  status: number;
  details?: Record<string, unknown>;
  /** The server's request id (X-Request-Id), to quote when reporting a problem. */
  requestId?: string;
  cause?: unknown;
}

/** Thrown when a request to the server fails; the base of every client error. */
export class HarmoniaClientError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly requestId: string | undefined;

  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HarmoniaClientError';
    this.code = code;
    this.status = options.status;
    this.details = options.details ?? {};
    this.requestId = options.requestId;
  }
}

/** Thrown when the resource does not exist (404): an unknown workflow, execution, template, ... */
export class NotFoundError extends HarmoniaClientError {
  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'NotFoundError';
  }
}

/** Thrown when the server refuses a request's content (400, 413, 415, 422); `diagnostics` lists file problems. */
export class ValidationError extends HarmoniaClientError {
  /** Problems with positions when the server parsed a workflow or template; empty otherwise. */
  readonly diagnostics: Diagnostic[];

  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'ValidationError';
    const list = this.details.diagnostics;
    this.diagnostics = Array.isArray(list) ? (list as Diagnostic[]) : [];
  }
}

/** Thrown when no token or an unknown token was sent (401). */
export class UnauthorizedError extends HarmoniaClientError {
  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'UnauthorizedError';
  }
}

/** Thrown when the token is valid but lacks the scope the request needs (403). */
export class ForbiddenError extends HarmoniaClientError {
  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'ForbiddenError';
  }
}

/** Thrown when the request conflicts with current state (409): pausing a finished execution, a pack that exists. */
export class ConflictError extends HarmoniaClientError {
  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'ConflictError';
  }
}

/** Thrown when the server cannot be reached (connection refused, reset) or answers 503. */
export class UnavailableError extends HarmoniaClientError {
  constructor(code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) {
    super(code, message, options);
    this.name = 'UnavailableError';
  }
}

/** Thrown when a request, or waitForCompletion, takes longer than its timeout. */
export class TimeoutError extends HarmoniaClientError {
  constructor(message: string, options: Omit<HarmoniaClientErrorOptions, 'status'> = {}) {
    super('TIMEOUT', message, { ...options, status: 0 });
    this.name = 'TimeoutError';
  }
}

type ErrorClass = new (code: ClientErrorCode, message: string, options: HarmoniaClientErrorOptions) => HarmoniaClientError;

const CLASS_BY_STATUS: Record<number, ErrorClass> = {
  400: ValidationError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  413: ValidationError,
  415: ValidationError,
  422: ValidationError,
  503: UnavailableError,
};

/** The typed error for a non-2xx response; `body` is the parsed JSON, if the response had any. */
export function errorFromResponse(status: number, body: unknown, requestId?: string): HarmoniaClientError {
  const parsed = isErrorResponse(body) ? body.error : undefined;
  const code = parsed?.code ?? fallbackCode(status);
  const message = parsed?.message ?? `the server answered HTTP ${status} without an error body`;
  const options: HarmoniaClientErrorOptions = {
    status,
    details: parsed?.details ?? {},
    ...(requestId !== undefined ? { requestId } : {}),
  };
  const ErrorType = CLASS_BY_STATUS[status] ?? HarmoniaClientError;
  return new ErrorType(code, message, options);
}

/** The typed error for a request that got no response: refused, reset or unresolvable. */
export function errorFromNetwork(url: string, cause: unknown): UnavailableError {
  const reason = describeNetworkCause(cause);
  return new UnavailableError('CONNECTION_ERROR', `cannot reach the harmonia server at '${url}': ${reason}; is it running?`, {
    status: 0,
    cause,
  });
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function fallbackCode(status: number): ClientErrorCode {
  if (status === 401) return 'AUTH_REQUIRED';
  if (status === 403) return 'AUTH_FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 503) return 'STORE_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'REQUEST_INVALID';
  return 'INTERNAL';
}

function describeNetworkCause(cause: unknown): string {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
  const inner = cause instanceof Error && cause.cause !== undefined ? cause.cause : cause;
  if (typeof inner === 'object' && inner !== null) {
    const code = (inner as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
