import type { ErrorCode } from './errors.js';

/**
 * The HTTP status of every error code, in one table. Typed as a full Record so a
 * code appended to ErrorCode does not compile until it is mapped here.
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  CONFIG_INVALID: 500,
  USAGE_INVALID: 400,
  PACK_NOT_FOUND: 404,
  PACK_INVALID: 422,
  PACK_EXISTS: 409,
  PACK_SYNC_REFUSED: 409,
  WORKFLOW_NOT_FOUND: 404,
  WORKFLOW_INVALID: 422,
  WORKFLOW_EXISTS: 409,
  WORKFLOW_TEMPLATE_PARAMS: 422,
  TEMPLATE_NOT_FOUND: 404,
  TEMPLATE_PARAM_INVALID: 422,
  TEMPLATE_EXISTS: 409,
  TEMPLATE_INVALID: 422,
  ACTION_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  EXPR_SYNTAX: 422,
  EXPR_REFERENCE: 422,
  EXPR_TYPE: 422,
  EXPR_LIMIT: 422,
  EXPR_FORBIDDEN: 422,
  EXPR_UNKNOWN_FUNCTION: 422,
  EXEC_NOT_FOUND: 404,
  EXEC_ID_AMBIGUOUS: 409,
  EXEC_INPUT_INVALID: 422,
  EXEC_INVALID_STATE: 409,
  EXEC_PARENT_FINISHED: 409,
  EXEC_LIMIT: 429,
  CHECKPOINT_NOT_FOUND: 404,
  CHECKPOINT_INVALID: 422,
  COMPONENT_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  SCHEDULE_RANGE_INVALID: 400,
  TRIGGER_NOT_FOUND: 404,
  // task failures surface over HTTP only when the server itself called out (component test)
  ACTION_FAILED: 502,
  TASK_OUTPUT_TOO_LARGE: 502,
  TIMEOUT: 504,
  CONNECTION_ERROR: 502,
  ACTION_FORBIDDEN: 403,
  // no model configured is the operator's to fix; a failing model server is a bad gateway
  LLM_NOT_CONFIGURED: 503,
  LLM_FAILED: 502,
  STORE_CONFLICT: 409,
  STORE_UNAVAILABLE: 503,
  STORE_MIGRATION_FAILED: 500,
  STORE_LOCKED: 409,
  // the disk failed: not the client's doing, and not retryable until the operator acts
  STORE_SYNC_FAILED: 503,
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  REQUEST_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  RESPONSE_CONTRACT_VIOLATION: 500,
  INTERNAL: 500,
};

/** The HTTP status for an error code. */
export function statusForCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
