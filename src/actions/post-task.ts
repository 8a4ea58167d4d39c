import type { TaskResult } from '../core/model.js';
import type { ActionContext } from './action.js';
import type { HostLookup, HttpPolicy } from './address-guard.js';
import { guardedFetch } from './guarded-fetch.js';
import { errorResult, isPlainObject, successResult } from './task-result.js';

/** The JSON body Harmonia POSTs to a component or an http-runner action. */
export interface TaskRequestBody {
  task_id: string;
  execution_id: string;
  action: string;
  input: Record<string, unknown>;
  attempt: number;
  idempotency_key: string;
}

export interface PostTaskOptions {
  url: string;
  action: string;
  input: Record<string, unknown>;
  ctx: ActionContext;
  policy: HttpPolicy;
  lookup?: HostLookup;
  /** Names the callee in messages, e.g. `component 'deployer'`. */
  what: string;
}

/** Reads `{status: 'success', data}` / `{status: 'error', error_type, error_message, is_retriable}`. */
export function readTaskResponse(value: unknown, what: string): TaskResult | null {
  if (!isPlainObject(value)) return null;
  if (value.status === 'success') return successResult(value.data ?? value.result ?? {});
  if (value.status !== 'error') return null;
  const type = typeof value.error_type === 'string' && value.error_type !== '' ? value.error_type : 'ACTION_FAILED';
  const message =
    typeof value.error_message === 'string'
      ? value.error_message
      : typeof value.error === 'string'
        ? value.error
        : `${what} reported an error without a message`;
  return errorResult(type, message, typeof value.is_retriable === 'boolean' ? value.is_retriable : true);
}

/**
 * A component's own log, if its result carries one: `logs` as strings, or as
 * `{stream, line}` objects (stream `stdout` or `stderr`), each becoming a task log line.
 */
function logReturnedLines(value: unknown, ctx: PostTaskOptions['ctx']): void {
  if (!isPlainObject(value) || !Array.isArray(value.logs) || !ctx.log) return;
  for (const entry of value.logs) {
    if (typeof entry === 'string') ctx.log('stdout', entry);
    else if (isPlainObject(entry) && typeof entry.line === 'string') ctx.log(entry.stream === 'stderr' ? 'stderr' : 'stdout', entry.line);
  }
}

/**
 * POSTs one task attempt and reads the result shape of the component integration
 * guide. The idempotency key also travels as the `Idempotency-Key` header.
 */
export async function postTask(options: PostTaskOptions): Promise<TaskResult> {
  const { ctx } = options;
  const body: TaskRequestBody = {
    task_id: ctx.task_id,
    execution_id: ctx.execution_id,
    action: options.action,
    input: options.input,
    attempt: ctx.attempt,
    idempotency_key: ctx.idempotency_key,
  };
  const started = Date.now();
  const response = await guardedFetch({
    method: 'POST',
    url: options.url,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': ctx.idempotency_key },
    body: JSON.stringify(body),
    signal: ctx.signal,
    max_bytes: ctx.max_output_bytes,
    policy: options.policy,
    ...(options.lookup ? { lookup: options.lookup } : {}),
    what: options.what,
  });
  if (!response.ok) return response.result;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  const result = readTaskResponse(parsed, options.what);
  ctx.log?.('system', `${options.what} answered ${response.status} in ${Date.now() - started} ms, ${Buffer.byteLength(response.text)} bytes`);
  if (result !== null) {
    logReturnedLines(parsed, ctx);
    return result;
  }
  const snippet = response.text.slice(0, 500);
  const transient = response.status >= 500 || response.status === 429 || response.status === 408;
  if (response.status >= 400) {
    return errorResult('HTTP_ERROR', `${options.what} answered ${response.status}${snippet ? `: ${snippet}` : ''}`, transient);
  }
  return errorResult(
    'ACTION_FAILED',
    `${options.what} answered ${response.status} without a task result; expected {"status": "success", "data": ...} or {"status": "error", ...}`,
    false,
  );
}
