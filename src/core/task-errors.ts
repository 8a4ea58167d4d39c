/**
 * Task error types: the `type` of a failed task's error, which workflows match in
 * `retry.retriable_errors` and `error_handlers[].error_type`. They are part of the
 * workflow format, so they are listed here once, with a meaning each, and published in
 * docs/codes.md. A pack action or remote component may report a type of its own; those
 * are not listed, and the validator only warns about a type it does not know.
 */

/** Every error type Harmonia itself gives a failed task, with what it means. */
export const TASK_ERROR_TYPES = {
  ACTION_FAILED: 'the action failed (a script exited non-zero, a handler threw) and named no type of its own',
  ACTION_INPUT_INVALID: "the task's input is not what the action accepts (a bad URL, cwd or environment)",
  ACTION_FORBIDDEN: 'the action may not reach that address (private, loopback, link-local or metadata)',
  ACTION_NOT_FOUND: "the task's action is not registered, or its pinned version's files are gone",
  COMPONENT_NOT_FOUND: 'the remote component that runs the action is not registered',
  CONNECTION_ERROR: 'a connection could not be made or broke (DNS, refused, reset)',
  HTTP_ERROR: 'an HTTP request answered 5xx or 429, or redirected too often',
  TIMEOUT: "the attempt ran past its timeout_ms, or the execution past max_execution_time_ms",
  CANCELED: 'the task or its execution was canceled',
  REJECTED: 'a core.approval task was rejected by its approver (unless it sets on_reject: complete)',
  EXPIRED: 'a core.approval task got no decision before its expiry',
  INTERRUPTED: "the engine's own death interrupted the attempt more than max_task_interruptions times",
  TASK_OUTPUT_TOO_LARGE: 'the task returned more JSON than max_task_output_size',
  TASK_OUTPUT_INVALID: "the task's output does not match the action's declared output",
  EXEC_LIMIT: 'an execution limit was reached (events, items, workflow depth, descendants)',
  USAGE_INVALID: 'a built-in action was called with input it cannot use (core.workflow without a workflow)',
  EXPR_TYPE: "an expression in the task's input or condition evaluated to the wrong type",
  EXPR_REFERENCE: "an expression in the task's input read something that does not exist",
  EXPR_SYNTAX: "an expression in the task's input cannot be parsed",
  EXPR_LIMIT: "an expression in the task's input went over an evaluation limit",
  EXPR_FORBIDDEN: "an expression in the task's input reached for something it may not read",
  EXPR_UNKNOWN_FUNCTION: "an expression in the task's input calls a function that does not exist",
  LLM_RATE_LIMITED: 'the model server answered 429 (retriable)',
  LLM_SERVER_ERROR: 'the model server answered 5xx (retriable)',
  LLM_REQUEST_REJECTED: 'the model server refused the request (another 4xx)',
  LLM_BAD_REPLY: "the model's reply is not what core.llm asked for (not JSON when JSON was asked)",
  LLM_SCHEMA_MISMATCH: "the model's JSON reply does not match the task's response_schema",
  LLM_NOT_CONFIGURED: 'core.llm ran but HARMONIA_LLM_BASE_URL is not set',
} as const;

/** An error type Harmonia itself produces. */
export type KnownTaskErrorType = keyof typeof TASK_ERROR_TYPES;

/** True when `type` is one of Harmonia's own task error types. */
export function isKnownTaskErrorType(type: string): type is KnownTaskErrorType {
  return Object.prototype.hasOwnProperty.call(TASK_ERROR_TYPES, type);
}

/** The error of a failed task or execution, as expressions see it (`${tasks.x.error}`). */
export interface TaskError {
  /** A KnownTaskErrorType, or a type a pack action or component reported. */
  type: KnownTaskErrorType | (string & {});
  message: string;
  retriable: boolean;
  attempt: number;
  /** Set on a core.workflow task's error when its child failed: where the failure began. */
  cause?: TaskErrorCause;
  /** What the failed attempt was billed by a model server (core.llm): counted in the execution's usage. */
  usage?: AttemptUsage;
}

/** Requests and tokens a model server counted for one attempt that then failed. */
export interface AttemptUsage {
  /** The model that answered, as the server named it; null when none answered. */
  model: string | null;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * Where a failure that came up through core.workflow calls began: the deepest execution
 * whose own task failed. Each level copies it (one deeper) instead of wrapping its child's
 * message, so a top-level error holds the leaf's message once however deep the nesting.
 */
export interface TaskErrorCause {
  /** The execution whose own task failed first; its id names the path of tasks down to it. */
  execution_id: string;
  workflow_ref: string;
  /** The task whose failure failed that execution; absent when no task did (its output could not be rendered). */
  task_id?: string;
  /** That failure's type and message, unchanged. */
  type: string;
  message: string;
  /** core.workflow levels from the task holding the error down to that execution: 1 is its own child. */
  depth: number;
}
