/** CONDITION_NOT_EXPRESSION: a condition must be exactly one `${...}`. */
import { hasExpression } from '../../expr/parse-template.js';
import { parseTemplateCached } from './parse-template-cached.js';
import type { Rule } from './rule-context.js';

/** A bare string or text around the expression would make the condition always true. */
export const checkCondition: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    const condition = task.def.condition;
    if (!task.own || condition === undefined || !task.conditionPointer) continue;
    const pointer = task.conditionPointer;
    if (!hasExpression(condition)) {
      ctx.report({
        code: 'CONDITION_NOT_EXPRESSION',
        pointer,
        message: `condition of task '${task.def.id}' is the plain string '${condition}', not an expression; a non-empty string is always true`,
        hint: `write it as "\${${condition.trim()}}"`,
      });
      continue;
    }
    let whole: boolean;
    try {
      whole = parseTemplateCached(condition.trim()).whole;
    } catch {
      continue; // the expression rule reports the syntax error
    }
    if (!whole) {
      ctx.report({
        code: 'CONDITION_NOT_EXPRESSION',
        pointer,
        message: `condition of task '${task.def.id}' must be a single \${...} expression; text around it turns it into a string that is always true`,
        hint: 'move everything inside one ${...}',
      });
    }
  }
};
