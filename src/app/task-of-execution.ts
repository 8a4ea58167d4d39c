import { HarmoniaError } from '../core/errors.js';

/**
 * Thrown (USAGE_INVALID, as rerun and skip answer) when execution `id` has no task
 * `taskId`: a log filtered by a misspelt task would otherwise read as a task that printed
 * nothing, and a follower would wait for lines that never come.
 */
export async function assertTaskOf(
  engine: { getDetail(id: string): Promise<{ status: { task_statuses: Record<string, unknown> } }> },
  id: string,
  taskId: string,
): Promise<void> {
  const { status } = await engine.getDetail(id);
  if (!Object.hasOwn(status.task_statuses, taskId)) {
    throw new HarmoniaError('USAGE_INVALID', `execution '${id}' has no task '${taskId}'`, { details: { task_id: taskId } });
  }
}
