import { HarmoniaError } from '../core/errors.js';
import type { KnownTaskErrorType } from '../core/task-errors.js';
import type { ChatUsage } from './chat-types.js';

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
  /** Tokens the server reported before the call failed (a withheld reply, a stream cut after its usage): it bills them. */
  readonly usage: ChatUsage | null;
  /** The model that answered, when one did. */
  readonly model: string | null;
  /** HTTP requests the call made (0 when not counted). */
  readonly requests: number;

  constructor(error_type: LlmErrorType, message: string, options: LlmErrorOptions) {
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
    this.usage = options.usage ?? null;
    this.model = options.model ?? null;
    this.requests = options.requests ?? 0;
  }
}

export interface LlmErrorOptions {
  retriable: boolean;
  status?: number | null;
  retry_after_ms?: number | null;
  cause?: unknown;
  usage?: ChatUsage | null;
  model?: string | null;
  requests?: number;
}

/** The same failure, with what the call cost added where the thrower could not know it. */
export function withCost(error: LlmError, cost: { usage?: ChatUsage; model?: string; requests?: number }): LlmError {
  return new LlmError(error.error_type, error.message, {
    retriable: error.retriable,
    status: error.status,
    retry_after_ms: error.retry_after_ms,
    ...(error.cause === undefined ? {} : { cause: error.cause }),
    usage: cost.usage ?? error.usage,
    model: cost.model ?? error.model,
    requests: cost.requests ?? error.requests,
  });
}

/** Narrows a thrown value to an LlmError. */
export function isLlmError(value: unknown): value is LlmError {
  return value instanceof LlmError;
}
