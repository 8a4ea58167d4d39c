import { HarmoniaError } from '../core/errors.js';
import type { KnownTaskErrorType } from '../core/task-errors.js';

/**
 * Task error types of a failed model call, matched by `retry.retriable_errors` and
 * `error_handlers`: part of the workflow format.
 */
export type LlmErrorType =
  | 'LLM_RATE_LIMITED'
  | 'LLM_SERVER_ERROR'
  | 'LLM_REQUEST_REJECTED'
  | 'LLM_BAD_REPLY'
  | 'LLM_SCHEMA_MISMATCH'
  | 'TIMEOUT'
  | 'CANCELED'
  | 'CONNECTION_ERROR';

// Does not compile until every type above is in the catalogue (src/core/task-errors.ts).
const LLM_TYPES_CATALOGUED: LlmErrorType extends KnownTaskErrorType ? true : false = true;
void LLM_TYPES_CATALOGUED;

/**
 * Thrown when a request to the model server fails: rate limited (429) and server errors
 * (5xx) are retriable, other 4xx are not, a timeout is, a cancel is not. The message never
 * holds the API key.
 */
export class LlmError extends HarmoniaError {
  readonly error_type: LlmErrorType;
  readonly retriable: boolean;
  /** The HTTP status, when the server answered. */
  readonly status: number | null;
  /** What the server's Retry-After asked for, in ms. */
  readonly retry_after_ms: number | null;

  constructor(
    error_type: LlmErrorType,
    message: string,
    options: { retriable: boolean; status?: number | null; retry_after_ms?: number | null; cause?: unknown },
  ) {
    const status = options.status ?? null;
    super(error_type === 'TIMEOUT' ? 'TIMEOUT' : 'LLM_FAILED', message, {
      details: { error_type, retriable: options.retriable, ...(status === null ? {} : { status }) },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'LlmError';
    this.error_type = error_type;
    this.retriable = options.retriable;
    this.status = status;
    this.retry_after_ms = options.retry_after_ms ?? null;
  }
}

/** Narrows a thrown value to an LlmError. */
export function isLlmError(value: unknown): value is LlmError {
  return value instanceof LlmError;
}
