import type { ActionContext, ActionHandler } from '../actions/action.js';
import type { ExecutionRecord, TaskErrorCause, TaskResult } from '../core/model.js';
import { errorResult } from './runner.js';
import { idempotencyKeyOf } from '../core/unit-key.js';

/** What the core.workflow handler needs from the engine. */
export interface SubWorkflowHost {
  /** Levels of nesting a new child may reach (a top-level execution is level 0). */
  max_depth: number;
  /** Executions one top-level execution may have below it, at every level together. */
  max_descendants: number;
  /** Stored executions below `rootId` (see ExecutionRepo.countDescendants). */
  countDescendants(rootId: string): Promise<number>;
  /**
   * Runs `fn` alone among the calls for the same key (the root execution id), so parallel
   * items cannot all pass the descendant count before any of them has stored its child.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  getRecord(id: string): Promise<ExecutionRecord | null>;
  /**
   * When the attempt `ctx` runs follows one the engine's own death interrupted: the last
   * attempt before the unit's latest reset (execution retry or rerun), below which no child
   * is adopted. Null when the previous attempt failed, timed out or was canceled: its child
   * is finished or being stopped, and a reset asks for a fresh run.
   */
  adoptionFloor(ctx: Pick<ActionContext, 'task_id' | 'idempotency_key' | 'execution_id'>): number | null;
  /** The task whose failure failed the finished execution `record`, or null when no task did. */
  failedTaskOf(record: ExecutionRecord): Promise<string | null>;
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
 * The unit and attempt of `parentId`'s task `taskId` that started child `childId` (the
 * inverse of childExecutionId over the runner's idempotency key), or null when the id is
 * not of that shape (a child stored under another scheme).
 */
export function childUnitOf(childId: string, parentId: string, taskId: string): { item_index?: number; attempt: number } | null {
  const prefix = idempotencyKeyOf(parentId, taskId);
  if (!childId.startsWith(prefix)) return null;
  const match = /^(?::(\d+))?#(\d+)$/.exec(childId.slice(prefix.length));
  if (match === null) return null;
  const attempt = Number(match[2]);
  return match[1] === undefined ? { attempt } : { item_index: Number(match[1]), attempt };
}

/** The fan-out item an action context runs (from its idempotency key), or undefined for a plain task. */
export function itemOfContext(ctx: Pick<ActionContext, 'task_id' | 'idempotency_key' | 'execution_id'>): number | undefined {
  const rest = ctx.idempotency_key.slice(idempotencyKeyOf(ctx.execution_id, ctx.task_id).length);
  return /^:\d+$/.test(rest) ? Number(rest.slice(1)) : undefined;
}

/**
 * `core.workflow`: starts the child execution `{workflow, input}` names and waits for
 * it; the task's output is the child's output. An attempt that follows one the engine's
 * death interrupted first adopts that attempt's child (still running, or finished while the
 * engine was down), so a crash of the parent never runs the child twice. Any other attempt
 * starts a child of its own: after a timeout the previous child may still be canceling, and
 * a rerun or retry of the parent asks for the child to run again.
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
        const floor = host.adoptionFloor(ctx) ?? ctx.attempt - 1;
        for (let attempt = ctx.attempt - 1; attempt > floor && childId === null; attempt -= 1) {
          const previous = await host.getRecord(childExecutionId({ idempotency_key: ctx.idempotency_key, attempt }));
          if (previous === null) continue;
          if (previous.status === 'failed' || previous.status === 'canceled') break;
          childId = previous.id;
        }
        if (childId === null) {
          const id = childExecutionId(ctx);
          const existing = await host.getRecord(id);
          if (existing !== null) childId = existing.id;
          else {
            const { depth, root } = await ancestryOf(host, ctx.execution_id);
            if (depth >= host.max_depth) {
              return limitError(`sub-workflow '${ref}' would nest deeper than ${host.max_depth} levels (limits.max_workflow_depth); does a workflow call itself?`);
            }
            const started = await host.exclusive(root, async () => {
              const count = await host.countDescendants(root);
              if (count >= host.max_descendants) return null;
              return host.startChild({ id, workflow_ref: ref, input: childInput, parent: { execution_id: ctx.execution_id, task_id: ctx.task_id } });
            });
            if (started === null) {
              return limitError(
                `sub-workflow '${ref}' would be execution ${host.max_descendants + 1} below top-level execution '${root}', over limits.max_descendants (${host.max_descendants}); does a fan-out call its own workflow?`,
              );
            }
            childId = started.id;
          }
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
        const cause = await causeOf(host, child);
        return { status: 'error', error_type: cause.type, error_message: failureMessage(ref, id, cause), is_retriable: false, cause };
      } catch (error) {
        return errorResult(error, false);
      }
    },
  };
}

/** Where the failure of the finished `child` began: its own task, or the cause its error carries, one level deeper. */
async function causeOf(host: SubWorkflowHost, child: ExecutionRecord): Promise<TaskErrorCause> {
  const error = child.error;
  if (error?.cause !== undefined) return { ...error.cause, depth: error.cause.depth + 1 };
  const taskId = await host.failedTaskOf(child);
  return {
    execution_id: child.id,
    workflow_ref: child.workflow_ref,
    ...(taskId !== null ? { task_id: taskId } : {}),
    type: error?.type ?? 'ACTION_FAILED',
    message: error?.message ?? 'unknown error',
    depth: 1,
  };
}

/**
 * The message of a core.workflow task whose child failed: the child, and the leaf's failure
 * once. Ids name their path (each adds a segment a level), so the size grows with the depth
 * only through the two ids, never by holding the child's own message.
 */
function failureMessage(ref: string, childId: string, cause: TaskErrorCause): string {
  const where = cause.task_id !== undefined ? ` in task '${cause.task_id}'` : '';
  if (cause.depth === 1) return `sub-workflow '${ref}' (${childId}) failed${where}: ${cause.message}`;
  return `sub-workflow '${ref}' (${childId}) failed: ${cause.depth} levels down, execution '${cause.execution_id}' (${cause.workflow_ref}) failed${where}: ${cause.message}`;
}

function limitError(message: string): TaskResult {
  return { status: 'error', error_type: 'EXEC_LIMIT', error_message: message, is_retriable: false };
}

/**
 * How many parents an execution has (0 for a top-level one), counted up to just past the
 * depth limit, and its top-level execution (exact whenever depth is within the limit).
 */
async function ancestryOf(host: SubWorkflowHost, executionId: string): Promise<{ depth: number; root: string }> {
  let depth = 0;
  let root = executionId;
  let current = await host.getRecord(executionId);
  while (current?.parent_execution_id && depth <= host.max_depth) {
    depth += 1;
    root = current.parent_execution_id;
    current = await host.getRecord(current.parent_execution_id);
  }
  return { depth, root };
}

/** A per-key queue for SubWorkflowHost.exclusive: one engine shares it across its runners. */
export function createKeyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
