/** The console's fold of an execution, started from the server's task views. */
import { emptyFold, type ExecutionFold } from '../../../src/core/task-fold.js';
import type { ExecutionTasksPage } from '../../../src/core/wire.js';

/**
 * The fold the stream carries on from: at the first page's seq, each task at its own page's
 * (a later page may be read at a later seq; the stream's events it holds are not applied again).
 */
export function foldOfPages(pages: readonly ExecutionTasksPage[]): ExecutionFold {
  const fold = emptyFold();
  const [first] = pages;
  if (first === undefined || first.last_seq === 0) return fold;
  fold.last_seq = first.last_seq;
  fold.status = pages.at(-1)?.status ?? first.status;
  fold.started_by = first.started_by;
  for (const page of pages) {
    for (const task of page.items) {
      fold.tasks.set(task.task_id, {
        id: task.task_id,
        status: task.status,
        attempts: task.attempts.map((a) => ({ ...a })),
        input: undefined,
        output: undefined,
        error: task.error,
        skip_reason: task.skip_reason,
        skip_requested: task.skip_requested,
        items: task.items === null ? null : { ...task.items, known: new Map() },
        as_of: page.last_seq,
      });
    }
  }
  return fold;
}
