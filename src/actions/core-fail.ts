import type { ActionHandler } from './action.js';
import { errorResult } from './task-result.js';

/** `core.fail`: always fails with the given `error_type`, `error_message` and `is_retriable`. */
export function createFailAction(): ActionHandler {
  return {
    run: async (input) =>
      errorResult(
        typeof input.error_type === 'string' && input.error_type !== '' ? input.error_type : 'ACTION_FAILED',
        typeof input.error_message === 'string' ? input.error_message : 'core.fail was asked to fail',
        input.is_retriable === true,
      ),
  };
}
