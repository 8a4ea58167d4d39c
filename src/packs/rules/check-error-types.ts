/**
 * ERROR_TYPE_UNKNOWN: an error type in `retry.retriable_errors` or `error_handlers` that
 * no failure will ever carry is almost always a typo (`TIMOUT`), and the policy or handler
 * then silently never applies. A warning, not an error: a pack action or component may
 * report a type of its own, which Harmonia cannot know.
 */
import { joinPointer } from '../../core/source.js';
import { suggest } from '../../core/suggest.js';
import { TASK_ERROR_TYPES } from '../../core/task-errors.js';
import type { Rule, WorkflowView } from './rule-context.js';

const KNOWN: ReadonlySet<string> = new Set(Object.keys(TASK_ERROR_TYPES));

/** Types this workflow's own tasks raise on purpose: `core.fail` with a literal error_type. */
function raisedHere(view: WorkflowView): Set<string> {
  const raised = new Set<string>();
  for (const task of view.tasks) {
    const type = task.def.action === 'core.fail' ? task.def.input?.error_type : undefined;
    if (typeof type === 'string' && !type.includes('${')) raised.add(type);
  }
  return raised;
}

/** Warns on error types that are neither Harmonia's own nor raised by a core.fail of the workflow. */
export const checkErrorTypes: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  const raised = raisedHere(view);
  const check = (type: string, pointer: string, where: string) => {
    if (type === '*' || KNOWN.has(type) || raised.has(type)) return;
    const near = suggest(type, [...KNOWN, ...raised]);
    ctx.report({
      code: 'ERROR_TYPE_UNKNOWN',
      severity: 'warning',
      pointer,
      message: `unknown error type '${type}' in ${where}${near ? `; did you mean '${near}'?` : ''}`,
      hint: near
        ? `'${near}' is a task error type Harmonia gives failures (docs/codes.md)`
        : "Harmonia's own error types are listed in docs/codes.md; if an action of yours reports this type, keep it and add `# harmonia-ignore ERROR_TYPE_UNKNOWN`",
    });
  };
  for (const task of view.tasks) {
    const types = task.def.retry?.retriable_errors;
    if (!task.own || !Array.isArray(types)) continue;
    types.forEach((type, index) => {
      if (typeof type === 'string') check(type, joinPointer(task.pointer, 'retry', 'retriable_errors', index), `retriable_errors of task '${task.def.id}'`);
    });
  }
  for (const handler of view.errorHandlers) {
    check(handler.def.error_type, joinPointer(handler.pointer, 'error_type'), 'error_handlers');
  }
};
