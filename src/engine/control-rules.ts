import { HarmoniaError } from '../core/errors.js';
import type { Plan } from './plan.js';
import { isTerminalExecution, type ExecutionState } from './state.js';

/** The operator controls, by the decide input kind they become. */
export type ControlKind = 'pause' | 'resume' | 'cancel' | 'terminate' | 'retry_execution' | 'rerun' | 'skip';

/** Thrown when a control does not apply to an execution in its status. */
export function invalidState(id: string, status: string, action: string, allowed: string): HarmoniaError {
  return new HarmoniaError('EXEC_INVALID_STATE', `cannot ${action} execution '${id}' while it is ${status}; ${allowed}`, {
    details: { execution_id: id, status },
  });
}

/**
 * Whether a pause changes anything: a running execution pauses; a paused one is paused
 * again only to make its parent's pause the operator's own (`byParent` undefined), so that
 * the parent's resume leaves it paused.
 */
export function pauseMatters(state: ExecutionState, byParent: string | undefined): boolean {
  return state.status === 'running' || (state.status === 'paused' && byParent === undefined && state.paused_by !== null);
}

/**
 * Whether a resume changes anything: an operator's resumes any paused execution; a parent's
 * (`byParent`) only the pause that parent passed on. A pause the operator gave the child
 * stays, and the parent's task keeps waiting for the child.
 */
export function resumeMatters(state: ExecutionState, byParent: string | undefined): boolean {
  return state.status === 'paused' && (byParent === undefined || state.paused_by === byParent);
}

/**
 * Whether a control applies ('apply'), is already in effect ('noop': controls are
 * idempotent), or is refused: EXEC_INVALID_STATE, or USAGE_INVALID for an unknown task.
 */
export function checkControl(id: string, plan: Plan, state: ExecutionState, kind: ControlKind, taskId?: string, byParent?: string): 'apply' | 'noop' {
  const status = state.status;
  const active = status === 'running' || status === 'paused';
  switch (kind) {
    case 'pause':
      if (status === 'paused') return pauseMatters(state, byParent) ? 'apply' : 'noop';
      if (status !== 'running') throw invalidState(id, status, 'pause', 'only a running execution can be paused');
      break;
    case 'resume':
      if (status === 'running') return 'noop';
      if (status !== 'paused') throw invalidState(id, status, 'resume', 'only a paused execution can be resumed');
      if (!resumeMatters(state, byParent)) return 'noop';
      break;
    case 'cancel':
    case 'terminate':
      if (status === 'canceled' || (kind === 'cancel' && state.canceling)) return 'noop';
      if (!active) throw invalidState(id, status, kind, 'it has finished');
      break;
    case 'retry_execution':
      if (status !== 'failed' && status !== 'canceled') throw invalidState(id, status, 'retry', 'only a failed or canceled execution can be retried');
      // Canceled while queued: it has no start (no input in its history) to carry on from.
      if (state.started_at === null) throw invalidState(id, 'canceled before it started', 'retry', 'start a new execution instead');
      break;
    case 'rerun':
    case 'skip': {
      if (taskId === undefined || !plan.tasks[taskId]) {
        throw new HarmoniaError('USAGE_INVALID', `execution '${id}' has no task '${taskId ?? ''}'`, { details: { task_id: taskId } });
      }
      if (kind === 'rerun' && !isTerminalExecution(status)) throw invalidState(id, status, 'rerun', 'wait for it to finish, or cancel it');
      if (kind === 'skip') {
        const task = state.tasks[taskId];
        if (task?.status === 'skipped' || (task?.status === 'pending' && task.skip_requested)) return 'noop';
        if (!active || task?.status !== 'pending') {
          throw invalidState(id, status, `skip task '${taskId}' (${task?.status ?? 'unknown'}) of`, 'only a pending task of a running or paused execution can be skipped');
        }
      }
      break;
    }
  }
  return 'apply';
}
