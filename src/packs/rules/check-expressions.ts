/**
 * EXPR_*: parses every `${...}` in task inputs, conditions, with_items and the output,
 * and checks every reference against the workflow: tasks (and that they are upstream),
 * inputs, template parameters, context keys and namespaces.
 */
import { EXPR_NAMESPACES } from '../../expr/namespaces.js';
import { EXPR_FUNCTIONS } from '../../expr/functions.js';
import { hasExpression, type ParsedTemplate } from '../../expr/parse-template.js';
import { isExprError } from '../../expr/expr-error.js';
import { joinPointer } from '../../core/source.js';
import { didYouMean } from '../../core/suggest.js';
import type { DiagnosticCode } from '../../core/diagnostic-codes.js';
import { collectStrings, type ExprRef } from './expr-refs.js';
import { parseTemplateCached, refsOfCached } from './parse-template-cached.js';
import type { RuleContext, Rule, TaskView, WorkflowView } from './rule-context.js';
import { canRead } from './task-graph.js';

type Scope = { kind: 'task'; task: TaskView; part: 'input' | 'condition' | 'with_items' } | { kind: 'output' };

const TASK_FIELDS = ['output', 'status', 'error'];

/** Parses a string's expressions, reporting syntax problems; null when it does not parse. */
export function parseReported(ctx: RuleContext, text: string, pointer: string): ParsedTemplate | null {
  try {
    return parseTemplateCached(text);
  } catch (error) {
    if (!isExprError(error)) throw error;
    const code: DiagnosticCode =
      error.code === 'EXPR_UNKNOWN_FUNCTION' || error.code === 'EXPR_FORBIDDEN' || error.code === 'EXPR_LIMIT' ? error.code : 'EXPR_SYNTAX';
    let hint: string | undefined;
    let message = error.message;
    if (code === 'EXPR_UNKNOWN_FUNCTION') {
      const name = text.slice(error.start, error.end);
      hint = didYouMean(name, EXPR_FUNCTIONS);
    } else if (code === 'EXPR_SYNTAX' && !message.startsWith('unclosed')) {
      message = `invalid expression syntax: ${message}`;
    }
    const span = ctx.file.source?.locateInString(pointer, error.start, error.end);
    const input = { code, pointer, message, ...(hint ? { hint } : {}) };
    if (span) ctx.reportAt(input, span);
    else ctx.report(input);
    return null;
  }
}

function describeScope(scope: Scope): string {
  return scope.kind === 'output' ? 'the workflow output' : `task '${scope.task.def.id}'`;
}

function checkRef(ctx: RuleContext, view: WorkflowView, scope: Scope, ref: ExprRef, at: (code: DiagnosticCode, message: string, hint?: string, severity?: 'warning') => void): void {
  const first = ref.path[0];
  const name = typeof first === 'string' ? first : undefined;
  switch (ref.root) {
    case 'env':
    case 'state':
      return;
    case 'item':
    case 'item_index': {
      const inItems = scope.kind === 'task' && scope.task.def.with_items !== undefined && scope.part !== 'with_items';
      if (!inItems) at('EXPR_UNKNOWN_NAMESPACE', `'${ref.root}' is only defined inside a task with with_items (in its input and condition)`);
      return;
    }
    case 'trigger':
      at('EXPR_UNKNOWN_NAMESPACE', "'trigger' is only defined in the input of a schedule (triggers.<name>.schedule.input)");
      return;
    case 'param': {
      if (!view.params) {
        // The integration guide makes templates from workflows that read ${param.*}: such a
        // workflow registers (to become a template's body) but will not start until instantiated.
        at(
          'WORKFLOW_TEMPLATE_PARAMS',
          `'param.${name ?? ''}' is a template parameter: this workflow runs only once a template made from it is instantiated`,
          'to run it as it is, declare an input and use ${input.<name>}',
          'warning',
        );
        return;
      }
      if (name !== undefined && !view.params.has(name)) {
        const hint = didYouMean(name, view.params.keys());
        const declared = [...view.params.keys()];
        at('EXPR_UNKNOWN_PARAM', `unknown template parameter 'param.${name}'`, hint ?? (declared.length ? `declared parameters: ${declared.join(', ')}` : 'declare it under parameters'));
      }
      return;
    }
    case 'input': {
      if (name !== undefined && !(name in view.inputs)) {
        const hint = didYouMean(name, Object.keys(view.inputs));
        at('EXPR_UNKNOWN_INPUT', `unknown input 'input.${name}': the workflow does not declare it`, hint ?? `declare '${name}' under input`);
      }
      return;
    }
    case 'context': {
      if (name !== undefined && !view.contextKeys.has(name)) {
        const hint = didYouMean(name, view.contextKeys);
        at('EXPR_UNKNOWN_CONTEXT', `unknown context key 'context.${name}'`, hint ?? `add '${name}' under context`);
      }
      return;
    }
    case 'tasks': {
      if (name === undefined) return;
      const target = view.byId.get(name);
      if (!target) {
        const hint = didYouMean(name, view.byId.keys());
        at('EXPR_UNKNOWN_TASK', `unknown task 'tasks.${name}' in ${describeScope(scope)}`, hint);
        return;
      }
      const field = ref.path[1];
      if (typeof field === 'string' && !TASK_FIELDS.includes(field)) {
        const hint = didYouMean(field, TASK_FIELDS);
        at('EXPR_UNKNOWN_TASK_FIELD', `'tasks.${name}.${field}' reads no task field: use output, status or error`, hint);
      }
      if (scope.kind !== 'task') return;
      const self = scope.task.def.id;
      if (name === self) {
        at('EXPR_NOT_UPSTREAM', `task '${self}' reads its own result 'tasks.${name}', which does not exist while it runs`);
        return;
      }
      if (!canRead(view, self, name)) {
        at(
          'EXPR_NOT_UPSTREAM',
          `task '${self}' reads 'tasks.${name}' but does not depend on '${name}' (directly or through its upstream); it may run before '${name}' finishes`,
          `add '${name}' to the depends_on of '${self}'`,
        );
      }
      return;
    }
    default: {
      const hint = didYouMean(ref.root, EXPR_NAMESPACES);
      at('EXPR_UNKNOWN_NAMESPACE', `unknown name '${ref.root}': an expression starts with one of ${EXPR_NAMESPACES.join(', ')}`, hint);
    }
  }
}

function checkString(ctx: RuleContext, view: WorkflowView, scope: Scope, text: string, pointer: string): void {
  if (!hasExpression(text)) return;
  const parsed = parseReported(ctx, text, pointer);
  if (!parsed) return;
  for (const part of parsed.parts) {
    if (part.kind !== 'expr') continue;
    for (const ref of refsOfCached(part.ast)) {
      checkRef(ctx, view, scope, ref, (code, message, hint, severity) => {
        const offset = part.start + 2;
        const span = ctx.file.source?.locateInString(pointer, offset + ref.start, offset + ref.end);
        const input = { code, pointer, message, ...(hint ? { hint } : {}), ...(severity ? { severity } : {}) };
        if (span) ctx.reportAt(input, span);
        else ctx.report(input);
      });
    }
  }
}

/** Every expression parses and reads only what exists and is upstream. */
export const checkExpressions: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (!task.own) continue;
    const scope = (part: 'input' | 'condition' | 'with_items'): Scope => ({ kind: 'task', task, part });
    for (const s of collectStrings(task.def.input, joinPointer(task.pointer, 'input'))) checkString(ctx, view, scope('input'), s.text, s.pointer);
    if (task.def.condition !== undefined && task.conditionPointer) checkString(ctx, view, scope('condition'), task.def.condition, task.conditionPointer);
    if (task.def.with_items !== undefined) checkString(ctx, view, scope('with_items'), task.def.with_items, joinPointer(task.pointer, 'with_items'));
  }
  for (const s of collectStrings(view.output, joinPointer(view.base, 'output'))) checkString(ctx, view, { kind: 'output' }, s.text, s.pointer);
};
