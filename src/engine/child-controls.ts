/**
 * Retry and rerun of a sub-workflow execution. A finished child runs again only while its
 * parent still waits for it: the parent is running or paused and the unit of the task that
 * started the child has not finished and is on the attempt that started it (a retry of the
 * unit not yet begun adopts the child, see createSubWorkflowAction). Otherwise its result
 * would go nowhere, while the parent has recorded the failure already: the operator is told
 * to retry or rerun the parent, which starts a fresh child (Argo retries the whole workflow;
 * Temporal has no way to rerun a closed child on its own).
 */
import { HarmoniaError } from '../core/errors.js';
import type { ExecutionRecord, ExecutionStatus, TaskStatus } from '../core/model.js';
import type { RunnerFactory } from './runner-factory.js';
import { isTerminalExecution, type UnitState } from './state.js';
import { childUnitOf } from './sub-workflow.js';

const FINISHED_UNIT: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'skipped', 'canceled']);
const ENDED: Record<string, string> = { completed: 'has completed', failed: 'has failed', canceled: 'was canceled' };

/**
 * Resolves when `record` (finished) is not a child, or its parent still waits for it.
 * Thrown otherwise: EXEC_PARENT_FINISHED, naming the parent and its task.
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
  const instead = kind === 'rerun' ? `rerun execution '${parentId}' from task '${parentTask}' instead` : `retry execution '${parentId}' instead`;
  const refuse = (why: string, status: ExecutionStatus | null, detail: Record<string, unknown> = {}): HarmoniaError =>
    new HarmoniaError('EXEC_PARENT_FINISHED', `cannot ${verb} execution '${record.id}': it is a sub-workflow of execution '${parentId}' ${why} and takes no result from it; ${instead}`, {
      details: { execution_id: record.id, parent_execution_id: parentId, parent_task_id: parentTask, parent_status: status, ...(taskId !== undefined ? { task_id: taskId } : {}), ...detail },
    });
  if (parent === null) throw refuse(`(task '${parentTask}'), which no longer exists,`, null);
  const status = parent.state.status;
  if (isTerminalExecution(status)) throw refuse(`(task '${parentTask}'), which ${ENDED[status] ?? `is ${status}`}`, status);
  const started = childUnitOf(record.id, parentId, parentTask);
  const task = parent.state.tasks[parentTask];
  const unit: UnitState | undefined = started?.item_index === undefined ? task : (task?.items?.[started.item_index] ?? undefined);
  if (started === null || unit === undefined || FINISHED_UNIT.has(unit.status) || unit.attempt !== started.attempt) {
    const item = started?.item_index === undefined ? '' : ` item ${started.item_index}`;
    const state = unit === undefined ? 'unknown' : FINISHED_UNIT.has(unit.status) ? unit.status : `on attempt ${unit.attempt}`;
    throw refuse(`whose task '${parentTask}'${item} is ${state}, not waiting on it,`, status, { parent_task_status: unit?.status ?? null });
  }
}
