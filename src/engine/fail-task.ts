import type { TaskError } from '../core/model.js';
import type { Command } from './commands.js';
import { handlerFor, type DecideContext } from './decide-context.js';
import type { ExecutionState } from './state.js';

/** Failing a task: its handler (if any) is recorded so the fold triggers it. */
export function failTask(
  ctx: DecideContext,
  state: ExecutionState,
  taskId: string,
  attempt: number,
  error: TaskError,
  canceled = false,
): Command {
  const command: Command = { kind: 'FailTask', task_id: taskId, attempt, error };
  const handler = handlerFor(ctx, state, taskId, error.type);
  if (handler !== undefined) command.handled_by = handler;
  if (canceled) command.canceled = true;
  return command;
}
