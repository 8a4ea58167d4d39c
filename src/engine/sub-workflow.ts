import type { ActionContext, ActionHandler } from '../actions/action.js';
import type { ExecutionRecord, TaskResult } from '../core/model.js';
import { errorResult } from './runner.js';

/** What the core.workflow handler needs from the engine. */
export interface SubWorkflowHost {
  /** Levels of nesting a new child may reach (a top-level execution is level 0). */
  max_depth: number;
  getRecord(id: string): Promise<ExecutionRecord | null>;
  startChild(options: {
    id: string;
    workflow_ref: string;
    input: Record<string, unknown>;
    parent: { execution_id: string; task_id: string };
  }): Promise<ExecutionRecord>;
  waitForCompletion(id: string): Promise<ExecutionRecord>;
  cancel(id: string): Promise<unknown>;
  terminate(id: string): Promise<unknown>;
  /** Tells the parent's runner about its child, for pause/resume cascades. */
  adopt(childId: string): void;
}

/** Child execution id of one attempt: stable, so a restarted parent finds its child. */
export function childExecutionId(ctx: Pick<ActionContext, 'idempotency_key' | 'attempt'>): string {
  return `${ctx.idempotency_key}#${ctx.attempt}`;
}

/**
 * `core.workflow`: starts the child execution `{workflow, input}` names and waits for
 * it; the task's output is the child's output. An attempt first adopts the child of
 * the previous attempt when that one was interrupted rather than failed, so a crash
 * of the parent never runs the child twice.
 */
export function createSubWorkflowAction(host: SubWorkflowHost): ActionHandler {
  return {
    async run(input, ctx): Promise<TaskResult> {
      const ref = input.workflow;
      if (typeof ref !== 'string' || ref === '') {
        return { status: 'error', error_type: 'USAGE_INVALID', error_message: `core.workflow needs input 'workflow' naming a workflow ref, got ${JSON.stringify(ref)}`, is_retriable: false };
      }
      const childInput = (input.input ?? {}) as Record<string, unknown>;
      try {
        let childId: string | null = null;
        for (let attempt = ctx.attempt - 1; attempt >= 1 && childId === null; attempt -= 1) {
          const previous = await host.getRecord(childExecutionId({ idempotency_key: ctx.idempotency_key, attempt }));
          if (previous === null) continue;
          if (previous.status === 'failed' || previous.status === 'canceled') break;
          childId = previous.id;
        }
        if (childId === null) {
          const id = childExecutionId(ctx);
          const existing = await host.getRecord(id);
          if (existing === null && (await depthOf(host, ctx.execution_id)) >= host.max_depth) {
            return {
              status: 'error',
              error_type: 'EXEC_LIMIT',
              error_message: `sub-workflow '${ref}' would nest deeper than ${host.max_depth} levels (limits.max_workflow_depth); does a workflow call itself?`,
              is_retriable: false,
            };
          }
          childId = existing
            ? existing.id
            : (await host.startChild({ id, workflow_ref: ref, input: childInput, parent: { execution_id: ctx.execution_id, task_id: ctx.task_id } })).id;
        }
        host.adopt(childId);
        const id = childId;
        const onAbort = (): void => {
          const reason: unknown = ctx.signal.reason;
          void (reason === 'terminated' || reason === 'finished' ? host.terminate(id) : reason === 'shutdown' ? Promise.resolve() : host.cancel(id)).catch(() => undefined);
        };
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
        const child = await host.waitForCompletion(id);
        ctx.signal.removeEventListener('abort', onAbort);
        if (child.status === 'completed') return { status: 'success', data: child.output ?? {} };
        if (child.status === 'canceled') {
          return { status: 'error', error_type: 'CANCELED', error_message: `sub-workflow '${ref}' (${id}) was canceled`, is_retriable: false };
        }
        return {
          status: 'error',
          error_type: child.error?.type ?? 'ACTION_FAILED',
          error_message: `sub-workflow '${ref}' (${id}) failed: ${child.error?.message ?? 'unknown error'}`,
          is_retriable: false,
        };
      } catch (error) {
        return errorResult(error, false);
      }
    },
  };
}

/** How many parents an execution has (0 for a top-level one), counted up to just past the limit. */
async function depthOf(host: SubWorkflowHost, executionId: string): Promise<number> {
  let depth = 0;
  let current = await host.getRecord(executionId);
  while (current?.parent_execution_id && depth <= host.max_depth) {
    depth += 1;
    current = await host.getRecord(current.parent_execution_id);
  }
  return depth;
}
