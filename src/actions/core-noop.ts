import type { ActionHandler } from './action.js';
import { successResult } from './task-result.js';

/** `core.noop`: does nothing and returns `{}`. */
export function createNoopAction(): ActionHandler {
  return { run: async () => successResult({}) };
}
