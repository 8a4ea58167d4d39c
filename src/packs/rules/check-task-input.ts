/**
 * TASK_INPUT_MISSING_PARAMETER, TASK_INPUT_UNKNOWN_PARAMETER (warning) and
 * TASK_INPUT_INVALID_VALUE for pack actions with declared parameters, and the required
 * input of the built-ins that need one.
 */
import type { ActionDef, ParameterSpec } from '../../core/model.js';
import { joinPointer } from '../../core/source.js';
import { CORE_LLM_PARAMETERS, readMessages } from '../../llm/llm-parameters.js';
import { didYouMean } from '../../core/suggest.js';
import { matchesType } from './check-defaults.js';
import type { Rule, RuleContext, TaskView } from './rule-context.js';

// Built-ins whose input needs a key (alternatives in one inner list).
const BUILTIN_REQUIRED: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  'core.sleep': [['ms']],
  'core.http': [['url']],
  'core.shell': [['argv', 'command']],
  'core.llm': [['prompt', 'messages']],
};

function isLiteral(value: unknown): boolean {
  return !(typeof value === 'string' && value.includes('${'));
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

function missingAt(ctx: RuleContext, task: TaskView): string {
  const inputPointer = joinPointer(task.pointer, 'input');
  return ctx.file.source?.node(inputPointer) ? inputPointer : joinPointer(task.pointer, 'action');
}

function checkValue(ctx: RuleContext, task: TaskView, key: string, value: unknown, spec: ParameterSpec): void {
  if (!isLiteral(value)) return;
  const pointer = joinPointer(task.pointer, 'input', key);
  if (spec.enum && !spec.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    ctx.report({
      code: 'TASK_INPUT_INVALID_VALUE',
      pointer,
      message: `task '${task.def.id}' passes ${show(value)} as '${key}'; action '${task.def.action}' allows only: ${spec.enum.map(String).join(', ')}`,
      ...(typeof value === 'string' ? { hint: didYouMean(value, spec.enum.map(String)) } : {}),
    });
  } else if (spec.type !== undefined && !matchesType(value, spec.type)) {
    ctx.report({
      code: 'TASK_INPUT_INVALID_VALUE',
      severity: 'warning',
      pointer,
      message: `task '${task.def.id}' passes ${show(value)} as '${key}', but action '${task.def.action}' declares it as ${spec.type}`,
    });
  }
}

function checkPackAction(ctx: RuleContext, task: TaskView, parameters: Record<string, ParameterSpec>): void {
  const declared = Object.keys(parameters);
  if (declared.length === 0) return;
  const input = task.def.input;
  for (const [key, value] of Object.entries(input)) {
    const spec = parameters[key];
    if (spec) {
      checkValue(ctx, task, key, value, spec);
      continue;
    }
    const hint = didYouMean(key, declared);
    ctx.report(
      {
        code: 'TASK_INPUT_UNKNOWN_PARAMETER',
        severity: 'warning',
        pointer: joinPointer(task.pointer, 'input', key),
        message: `action '${task.def.action}' has no parameter '${key}'`,
        hint: hint ?? `its parameters: ${declared.join(', ')}`,
      },
      'key',
    );
  }
  for (const [name, spec] of Object.entries(parameters)) {
    if (spec.required !== true || 'default' in spec || name in input) continue;
    ctx.report({
      code: 'TASK_INPUT_MISSING_PARAMETER',
      pointer: missingAt(ctx, task),
      message: `task '${task.def.id}' does not pass '${name}', a required parameter of action '${task.def.action}'`,
      hint: `add ${name}: ... under input`,
    });
  }
}

// core.llm's keys are checked like a pack action's parameters, and a literal message list by shape.
function checkLlmInput(ctx: RuleContext, task: TaskView): void {
  checkPackAction(ctx, task, { ...CORE_LLM_PARAMETERS });
  const messages = task.def.input['messages'];
  if (messages === undefined || !isLiteral(messages)) return;
  const problem = readMessages(messages, 'messages');
  if (typeof problem !== 'string') return;
  ctx.report({
    code: 'TASK_INPUT_INVALID_VALUE',
    pointer: joinPointer(task.pointer, 'input', 'messages'),
    message: `task '${task.def.id}' passes an invalid 'messages' to core.llm: ${problem}`,
  });
}

/** A task passes what its action needs, and only what it declares. */
export const checkTaskInput: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (!task.own || task.def.component !== undefined) continue;
    const builtin = BUILTIN_REQUIRED[task.def.action];
    if (builtin) {
      for (const alternatives of builtin) {
        if (alternatives.some((key) => key in task.def.input)) continue;
        ctx.report({
          code: 'TASK_INPUT_MISSING_PARAMETER',
          pointer: missingAt(ctx, task),
          message: `task '${task.def.id}' does not pass ${alternatives.map((k) => `'${k}'`).join(' or ')}, which ${task.def.action} needs`,
        });
      }
      if (task.def.action === 'core.llm') checkLlmInput(ctx, task);
      continue;
    }
    const body = ctx.index.actions.get(task.def.action)?.body;
    if (body && 'runner' in body) checkPackAction(ctx, task, (body as ActionDef).parameters);
  }
};
