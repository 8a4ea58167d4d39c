import type { TaskResult } from '../core/model.js';
import type { ComponentRepo } from '../store/store.js';
import type { ActionContext, ActionHandler } from './action.js';
import type { HostLookup, HttpPolicy } from './address-guard.js';
import { postTask } from './post-task.js';
import { errorResult } from './task-result.js';

export interface RemoteComponentOptions {
  components: ComponentRepo;
  policy: HttpPolicy;
  lookup?: HostLookup;
}

/** The URL a component serves one task at: `{base_url}/api/tasks/{task_id}`. */
export function componentTaskUrl(baseUrl: string, taskId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/tasks/${encodeURIComponent(taskId)}`;
}

/**
 * A task with `component: NAME, action: CAP`: looks the component up at run time (so a
 * re-registration takes effect at once) and POSTs the attempt to it.
 */
export function createRemoteComponentAction(component: string, capability: string, options: RemoteComponentOptions): ActionHandler {
  return {
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      const record = await options.components.getComponent(component);
      if (record === null) {
        return errorResult('COMPONENT_NOT_FOUND', `component '${component}' is not registered; register it first`, false);
      }
      if (!record.capabilities.includes(capability)) {
        const offered = record.capabilities.length ? record.capabilities.map((c) => `'${c}'`).join(', ') : 'none';
        return errorResult(
          'COMPONENT_NOT_FOUND',
          `component '${component}' has no capability '${capability}'; it offers ${offered}`,
          false,
        );
      }
      return postTask({
        url: componentTaskUrl(record.base_url, ctx.task_id),
        action: capability,
        input,
        ctx,
        policy: options.policy,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        what: `component '${component}'`,
      });
    },
  };
}
