/**
 * Typed errors with stable codes.
 *
 * Diagnostics (see diagnostic.ts) are data about a user's files, collected many at a
 * time; a HarmoniaError is one failure, thrown. Both carry a stable SCREAMING_SNAKE
 * code with an area prefix. The server maps every code to an HTTP status in one
 * table (`Record<ErrorCode, number>`), so adding a code here does not compile until
 * it is mapped there.
 */

/** Every error code Harmonia throws. Append new codes in their area. */
export type ErrorCode =
  // configuration and usage
  | 'CONFIG_INVALID'
  | 'USAGE_INVALID'
  // packs and the registry
  | 'PACK_NOT_FOUND'
  | 'PACK_INVALID'
  | 'PACK_EXISTS'
  | 'PACK_SYNC_REFUSED'
  | 'WORKFLOW_NOT_FOUND'
  | 'WORKFLOW_INVALID'
  | 'WORKFLOW_EXISTS'
  | 'WORKFLOW_TEMPLATE_PARAMS'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_PARAM_INVALID'
  | 'TEMPLATE_EXISTS'
  | 'TEMPLATE_INVALID'
  | 'ACTION_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  // expressions
  | 'EXPR_SYNTAX'
  | 'EXPR_REFERENCE'
  | 'EXPR_TYPE'
  | 'EXPR_LIMIT'
  | 'EXPR_FORBIDDEN'
  | 'EXPR_UNKNOWN_FUNCTION'
  // executions
  | 'EXEC_NOT_FOUND'
  | 'EXEC_ID_AMBIGUOUS'
  | 'EXEC_INPUT_INVALID'
  | 'EXEC_INVALID_STATE'
  | 'EXEC_PARENT_FINISHED'
  | 'EXEC_LIMIT'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_INVALID'
  | 'COMPONENT_NOT_FOUND'
  // schedules
  | 'SCHEDULE_NOT_FOUND'
  | 'SCHEDULE_RANGE_INVALID'
  | 'TRIGGER_NOT_FOUND'
  // actions (task failures carry these as error_type)
  | 'ACTION_FAILED'
  | 'TASK_OUTPUT_TOO_LARGE'
  | 'TIMEOUT'
  | 'CONNECTION_ERROR'
  | 'ACTION_FORBIDDEN'
  // language models (core.llm, the assistant)
  | 'LLM_NOT_CONFIGURED'
  | 'LLM_FAILED'
  // storage
  | 'STORE_CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_MIGRATION_FAILED'
  | 'STORE_LOCKED'
  | 'STORE_SYNC_FAILED'
  // server
  | 'AUTH_REQUIRED'
  | 'AUTH_FORBIDDEN'
  | 'REQUEST_INVALID'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REQUEST_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'RESPONSE_CONTRACT_VIOLATION'
  | 'INTERNAL';

export interface HarmoniaErrorOptions {
  /** Structured details safe to show a client (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Thrown when an operation fails for a reason a caller can name by its code. */
export class HarmoniaError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: HarmoniaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HarmoniaError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Narrows an unknown thrown value to a HarmoniaError. */
export function isHarmoniaError(value: unknown): value is HarmoniaError {
  return value instanceof HarmoniaError;
}
