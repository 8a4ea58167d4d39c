import type { ActionContext } from '../../../src/actions/action.js';

/** An ActionContext for tests; pass a signal to abort the attempt. */
export function makeContext(overrides: Partial<ActionContext> = {}): ActionContext {
  return {
    execution_id: 'exec-1',
    task_id: 'task_a',
    attempt: 1,
    idempotency_key: 'exec-1:task_a',
    signal: new AbortController().signal,
    timeout_ms: 60_000,
    max_output_bytes: 1024 * 1024,
    ...overrides,
  };
}
