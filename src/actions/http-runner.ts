import type { ActionDef, TaskResult } from '../core/model.js';
import { checkParameters } from '../templates/check-parameters.js';
import type { ActionContext, ActionHandler } from './action.js';
import type { HostLookup, HttpPolicy } from './address-guard.js';
import { postTask } from './post-task.js';
import { errorResult } from './task-result.js';

export interface HttpRunnerOptions {
  policy: HttpPolicy;
  lookup?: HostLookup;
}

/**
 * A pack action with `runner: http`: POSTs the attempt to `entry_point` (an absolute
 * http(s) URL) with the same body and result shape as a remote component.
 */
export function createHttpRunnerAction(ref: string, def: ActionDef, options: HttpRunnerOptions): ActionHandler {
  const what = `action '${ref}'`;
  return {
    ...(def.timeout_ms === undefined ? {} : { timeout_ms: def.timeout_ms }),
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      const url = def.entry_point ?? '';
      if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
        return errorResult('ACTION_FAILED', `${what}: entry_point '${url}' must be an http(s) URL for runner http`, false);
      }
      const checked = checkParameters(def.parameters, input, { allow_unknown: true });
      if (!checked.ok) return errorResult('ACTION_INPUT_INVALID', `${what}: ${checked.problem.message}`, false);
      return postTask({
        url,
        action: ref,
        input: checked.values,
        ctx,
        policy: options.policy,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        what,
      });
    },
  };
}
