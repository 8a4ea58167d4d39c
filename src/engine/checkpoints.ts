import type { RestoredTask } from '../core/events.js';
import type { CheckpointRecord, ExecutionEvent } from '../core/model.js';
import type { Plan } from './plan.js';
import { foldAll } from './fold.js';
import { snapshotOf } from './state.js';

/** The outcome of validateCheckpoint. */
export interface CheckpointValidation {
  checkpoint_id: string;
  execution_id: string;
  seq: number;
  valid: boolean;
  /** Empty when valid. */
  problems: string[];
}

/**
 * A checkpoint is valid when its snapshot equals the fold of its execution's
 * events up to its seq, and the history holds that seq.
 */
export function checkCheckpoint(plan: Plan, checkpoint: CheckpointRecord, events: readonly ExecutionEvent[], workflowId: string): CheckpointValidation {
  const problems: string[] = [];
  const upTo = events.filter((event) => event.seq <= checkpoint.seq);
  if (upTo.length !== checkpoint.seq) {
    problems.push(`the history holds ${upTo.length} events up to seq ${checkpoint.seq}; expected ${checkpoint.seq}`);
  }
  const marker = upTo.at(-1);
  if (marker?.event_type !== 'checkpoint_created' || marker.data.checkpoint_id !== checkpoint.id) {
    problems.push(`event ${checkpoint.seq} is not the checkpoint_created event of '${checkpoint.id}'`);
  }
  const refolded = JSON.stringify(snapshotOf(foldAll(plan, checkpoint.execution_id, workflowId, upTo)));
  if (refolded !== JSON.stringify(checkpoint.snapshot)) {
    problems.push('the snapshot differs from the fold of the history; it was changed or the history was');
  }
  return { checkpoint_id: checkpoint.id, execution_id: checkpoint.execution_id, seq: checkpoint.seq, valid: problems.length === 0, problems };
}

/** The part of a snapshot a restored execution starts from: finished tasks and their outputs. */
export function restorableTasks(snapshot: unknown): Record<string, RestoredTask> {
  const tasks = (snapshot as { tasks?: Record<string, { status?: string }> } | null)?.tasks ?? {};
  const kept: Record<string, RestoredTask> = {};
  for (const [id, task] of Object.entries(tasks)) {
    if (isRestorable(task)) kept[id] = task;
  }
  return kept;
}

function isRestorable(task: { status?: string }): task is RestoredTask {
  return task.status === 'completed' || task.status === 'skipped';
}
