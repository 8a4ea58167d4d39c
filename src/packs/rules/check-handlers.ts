/** HANDLER_UNKNOWN_TASK: on_error and error_handlers[].handler must name a task. */
import { joinPointer } from '../../core/source.js';
import { didYouMean } from '../../core/suggest.js';
import type { Rule } from './rule-context.js';

/** Handlers must be tasks of the same workflow. */
export const checkHandlers: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  const ids = [...view.byId.keys()];
  const unknown = (name: string, pointer: string, where: string) => {
    const hint = didYouMean(name, ids);
    ctx.report({
      code: 'HANDLER_UNKNOWN_TASK',
      pointer,
      message: `${where} names unknown task '${name}'`,
      hint: hint ?? 'a handler is a task of this workflow; add it under tasks',
    });
  };
  for (const task of view.tasks) {
    const handler = task.def.on_error;
    if (!task.own || handler === undefined) continue;
    if (handler === task.def.id) {
      ctx.report({ code: 'HANDLER_UNKNOWN_TASK', pointer: joinPointer(task.pointer, 'on_error'), message: `on_error of task '${handler}' names the task itself; a handler must be another task` });
    } else if (!view.byId.has(handler)) {
      unknown(handler, joinPointer(task.pointer, 'on_error'), `on_error of task '${task.def.id}'`);
    }
  }
  for (const h of view.errorHandlers) {
    if (!view.byId.has(h.def.handler)) unknown(h.def.handler, joinPointer(h.pointer, 'handler'), `error handler for '${h.def.error_type}'`);
  }
};
