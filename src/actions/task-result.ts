import type { KnownTaskErrorType } from '../core/task-errors.js';
import type { TaskResult } from '../core/model.js';

/** Error types built-in handlers put in `error_type`: the catalogue in src/core/task-errors.ts. */
export type TaskErrorType = KnownTaskErrorType;

/** A successful task result. */
export function successResult(data: unknown): TaskResult {
  return { status: 'success', data };
}

/** A failed task result. */
export function errorResult(error_type: TaskErrorType | (string & {}), error_message: string, is_retriable: boolean): TaskResult {
  return { status: 'error', error_type, error_message, is_retriable };
}

/**
 * True when an abort reason means "the deadline passed" rather than "someone canceled":
 * `AbortSignal.timeout()` reasons (name `TimeoutError`) and anything carrying code `TIMEOUT`.
 */
export function isTimeoutReason(reason: unknown): boolean {
  if (typeof reason !== 'object' || reason === null) return false;
  const named = reason as { name?: unknown; code?: unknown };
  return named.name === 'TimeoutError' || named.code === 'TIMEOUT';
}

/** The result for a task whose signal fired: TIMEOUT (retriable) or CANCELED (not). */
export function abortedResult(signal: AbortSignal, what: string): TaskResult {
  return isTimeoutReason(signal.reason)
    ? errorResult('TIMEOUT', `${what} timed out`, true)
    : errorResult('CANCELED', `${what} was canceled`, false);
}

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a task failure a handler printed or returned: `{error_type, error_message, is_retriable}`. */
export function readPrintedError(
  value: unknown,
): { error_type: string; error_message?: string; is_retriable?: boolean } | null {
  if (!isPlainObject(value) || typeof value.error_type !== 'string' || value.error_type === '') return null;
  return {
    error_type: value.error_type,
    ...(typeof value.error_message === 'string' ? { error_message: value.error_message } : {}),
    ...(typeof value.is_retriable === 'boolean' ? { is_retriable: value.is_retriable } : {}),
  };
}
