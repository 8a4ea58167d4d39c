import type { TaskError } from '../core/model.js';
import type { Command } from './commands.js';
import type { DecideContext } from './decide-context.js';
import { failTask } from './fail-task.js';
import type { ExecutionState } from './state.js';

/**
 * Ends the waits that can end at `at`: a signal wait takes the oldest buffered signal of its
 * name (each signal ends one wait, first come first served), and a wait past its deadline
 * ends as its kind says — a sleep completes, a signal wait fails TIMEOUT, an approval EXPIRED.
 */
export function resolveWaits(ctx: DecideContext, state: ExecutionState, at: number): Command[] {
  const commands: Command[] = [];
  const taken = new Set<number>();
  for (const id of state.waiting) {
    const task = state.tasks[id];
    const wait = task?.wait;
    if (!task || !wait) continue;
    if (wait.kind === 'signal') {
      const signal = state.signals.find((s) => s.name === wait.name && !taken.has(s.seq));
      if (signal) {
        taken.add(signal.seq);
        commands.push({ kind: 'CompleteTask', task_id: id, attempt: task.attempt, output: signal.payload, signal: { seq: signal.seq, name: signal.name } });
        continue;
      }
    }
    if (wait.deadline_ms === null || wait.deadline_ms > at) continue;
    const deadline = new Date(wait.deadline_ms).toISOString();
    if (wait.kind === 'sleep') {
      const slept = Math.max(0, wait.deadline_ms - (task.started_ms ?? wait.deadline_ms));
      commands.push({ kind: 'CompleteTask', task_id: id, attempt: task.attempt, output: { slept_ms: slept, until: deadline } });
      continue;
    }
    const error: TaskError =
      wait.kind === 'signal'
        ? { type: 'TIMEOUT', message: `task '${id}' received no signal '${wait.name}' by ${deadline}`, retriable: false, attempt: task.attempt }
        : { type: 'EXPIRED', message: `task '${id}' got no approval decision by ${deadline}`, retriable: false, attempt: task.attempt };
    commands.push(failTask(ctx, state, id, task.attempt, error));
  }
  return commands;
}
