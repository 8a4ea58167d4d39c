import type { ActionHandler } from './action.js';
import { successResult } from './task-result.js';

/** `core.echo`: returns its (already resolved) input as the output. */
export function createEchoAction(): ActionHandler {
  return { run: async (input) => successResult(input) };
}
