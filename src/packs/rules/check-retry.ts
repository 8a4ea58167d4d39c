/** RETRY_INVALID: the cross-field rule (single-field bounds are in the schema). */
import { joinPointer } from '../../core/source.js';
import type { Rule } from './rule-context.js';

/** max_delay_ms below initial_delay_ms would cap every delay below the first one. */
export const checkRetry: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    const retry = task.def.retry;
    if (!task.own || !retry) continue;
    const { initial_delay_ms: initial, max_delay_ms: max } = retry;
    if (initial !== undefined && max !== undefined && max < initial) {
      ctx.report({
        code: 'RETRY_INVALID',
        pointer: joinPointer(task.pointer, 'retry', 'max_delay_ms'),
        message: `retry of task '${task.def.id}': max_delay_ms (${max}) must be >= initial_delay_ms (${initial})`,
        hint: `raise max_delay_ms to at least ${initial}, or lower initial_delay_ms`,
      });
    }
  }
};
