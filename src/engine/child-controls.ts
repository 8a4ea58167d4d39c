/**
 * Retry and rerun of a sub-workflow execution. A parent's core.workflow task reads its child
 * once, when the child finishes; a later attempt of the task starts a child of its own, except
 * one that follows an attempt the engine's death interrupted, which adopts that attempt's
 * child (see createSubWorkflowAction). So a finished child may run again only while its
 * parent is active and the task waits to adopt it; otherwise its result would go nowhere,
 * after the parent has recorded the failure. The operator is told to retry or rerun the parent,
 * which starts a fresh child (Argo retries the whole workflow; Temporal's parent takes a
 * child's result once, from the child's close).
 */
import { HarmoniaError } from '../core/errors.js';
import type { ExecutionRecord, ExecutionStatus } from '../core/model.js';
import type { Plan } from './plan.js';
import type { RunnerFactory } from './runner-factory.js';
import { isTerminalExecution, type ExecutionState, type UnitState } from './state.js';
import { childExecutionId, childUnitOf } from './sub-workflow.js';
import { idempotencyKeyOf } from '../core/unit-key.js';

const ENDED: Record<string, string> = { completed: 'has completed', failed: 'has failed', canceled: 'was canceled' };

/** What the parent's unit is doing instead of waiting to adopt the child. */
function unitDoing(unit: UnitState | undefined): string {
  if (unit === undefined) return 'has not started it';
  switch (unit.status) {
    case 'pending':
      return `will start attempt ${unit.attempt + 1} with a child of its own`;
    case 'running':
    case 'waiting':
      return `is on attempt ${unit.attempt}`;
    case 'canceled':
      return 'was canceled';
    default:
      return `has ${unit.status}`;
  }
}

/**
 * Resolves when the finished execution `record` is not a child, or its parent waits to adopt
 * it. Thrown otherwise: EXEC_PARENT_FINISHED, naming the parent and its task.
 */
export async function assertParentWaits(read: RunnerFactory['read'], record: ExecutionRecord, kind: 'retry_execution' | 'rerun', taskId?: string): Promise<void> {
  const parentId = record.parent_execution_id;
  if (parentId === null) return;
  const parentTask = record.parent_task_id ?? '';
  const parent = await read(parentId).catch((error: unknown) => {
    if (error instanceof HarmoniaError && error.code === 'EXEC_NOT_FOUND') return null;
    throw error;
  });
  const verb = kind === 'rerun' ? 'rerun' : 'retry';
  const again = kind === 'rerun' ? `rerun execution '${parentId}' from task '${parentTask}'` : `retry execution '${parentId}'`;
  const refuse = (why: string, status: ExecutionStatus | null, next: string, detail: Record<string, unknown> = {}): HarmoniaError =>
    new HarmoniaError('EXEC_PARENT_FINISHED', `cannot ${verb} execution '${record.id}': it is a sub-workflow of execution '${parentId}' ${why} and takes no result from it; ${next}`, {
      details: { execution_id: record.id, parent_execution_id: parentId, parent_task_id: parentTask, parent_status: status, ...(taskId !== undefined ? { task_id: taskId } : {}), ...detail },
    });
  if (parent === null) throw refuse(`(task '${parentTask}'), which no longer exists,`, null, 'start a new execution instead');
  const status = parent.state.status;
  if (isTerminalExecution(status)) throw refuse(`(task '${parentTask}'), which ${ENDED[status] ?? `is ${status}`}`, status, `${again} instead`);
  const started = childUnitOf(record.id, parentId, parentTask);
  const task = parent.state.tasks[parentTask];
  const unit: UnitState | undefined = started?.item_index === undefined ? task : (task?.items?.[started.item_index] ?? undefined);
  const adopts =
    started !== null && unit !== undefined && unit.status === 'pending' && unit.error?.type === 'INTERRUPTED' && started.attempt > unit.attempt_base && started.attempt <= unit.attempt;
  if (!adopts) {
    const item = started?.item_index === undefined ? '' : ` item ${started.item_index}`;
    throw refuse(`(${status}), whose task '${parentTask}'${item} ${unitDoing(unit)},`, status, `${again} once it has finished`, { parent_task_status: unit?.status ?? null });
  }
}

/**
 * The children a pause or resume of execution `id` passes on to: those its core.workflow
 * units adopted here, and those of its unfinished units' attempts since their latest reset.
 * The second covers a parent folded from its history (a restart): its units have not run
 * again, so they have adopted nothing yet, while their children wait paused with it.
 */
export function cascadeChildren(id: string, plan: Plan, state: ExecutionState, adopted: ReadonlySet<string>): Set<string> {
  const children = new Set(adopted);
  for (const [taskId, def] of Object.entries(plan.tasks)) {
    if (def.action !== 'core.workflow') continue;
    const task = state.tasks[taskId];
    if (!task) continue;
    const units: Array<[string, UnitState]> = task.items ? task.items.map((unit, index) => [idempotencyKeyOf(id, taskId, index), unit]) : [[idempotencyKeyOf(id, taskId), task]];
    for (const [key, unit] of units) {
      if (unit.status !== 'pending' && unit.status !== 'running') continue;
      for (let attempt = unit.attempt_base + 1; attempt <= unit.attempt; attempt += 1) children.add(childExecutionId({ idempotency_key: key, attempt }));
    }
  }
  return children;
}
