/**
 * TASK_INPUT_MISSING_PARAMETER, TASK_INPUT_UNKNOWN_PARAMETER (warning) and
 * TASK_INPUT_INVALID_VALUE for pack actions with declared parameters and for the
 * built-ins, and for the input a core.workflow task gives its child workflow.
 */
import type { ActionDef, ParameterSpec, WorkflowDef } from '../../core/model.js';
import { joinPointer } from '../../core/source.js';
import { readMessages } from '../../llm/llm-parameters.js';
import { didYouMean } from '../../core/suggest.js';
import { BUILTIN_INPUTS, BUILTIN_ONE_OF } from './builtin-inputs.js';
import { matchesType } from './check-defaults.js';
import type { Rule, RuleContext, TaskView } from './rule-context.js';
import { isSecretParameter, showAllowed, showValue } from './show-value.js';

function isLiteral(value: unknown): boolean {
  return !(typeof value === 'string' && value.includes('${'));
}

// Asks the source map whether the task has an `input:` key, which costs a parse of the
// file when it was read without yaml's Document: only once there is something to report.
function missingAt(ctx: RuleContext, task: TaskView): string {
  const inputPointer = joinPointer(task.pointer, 'input');
  return ctx.file.source?.node(inputPointer) ? inputPointer : joinPointer(task.pointer, 'action');
}

/** What is being called, for messages: an action's parameters or a child workflow's inputs. */
interface Callee {
  /** `action 'ci.build'`, `workflow 'ops.deploy'`. */
  label: string;
  /** `parameter`, `input`. */
  noun: string;
  /** Pointer of the object holding the values. */
  base: string;
  /** Undeclared keys: a warning for actions (ignored), an error for workflows (refused at start). */
  unknownSeverity: 'warning' | 'error';
}

// A literal (no `${`) must have the declared type and be in the enum: the call would fail.
function checkValue(ctx: RuleContext, task: TaskView, callee: Callee, key: string, value: unknown, spec: ParameterSpec): void {
  if (!isLiteral(value)) return;
  const pointer = joinPointer(callee.base, key);
  if (spec.enum && !spec.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    ctx.report({
      code: 'TASK_INPUT_INVALID_VALUE',
      pointer,
      message: `task '${task.def.id}' passes ${showValue(key, value, spec)} as '${key}'; ${callee.label} allows only: ${showAllowed(key, spec, spec.enum)}`,
      ...(typeof value === 'string' && !isSecretParameter(key, spec) ? { hint: didYouMean(value, spec.enum.map(String)) } : {}),
    });
  } else if (spec.type !== undefined && !matchesType(value, spec.type)) {
    ctx.report({
      code: 'TASK_INPUT_INVALID_VALUE',
      pointer,
      message: `task '${task.def.id}' passes ${showValue(key, value, spec)} as '${key}', but ${callee.label} declares it as ${spec.type}`,
      hint: spec.type === 'string' ? (isSecretParameter(key, spec) ? 'quote it' : `quote it: '${String(value)}'`) : `write a value of type ${spec.type}, or compute it with \${...}`,
    });
  }
}

function checkCall(ctx: RuleContext, task: TaskView, callee: Callee, input: Record<string, unknown>, specs: Readonly<Record<string, ParameterSpec>>, missingPointer: () => string): void {
  const declared = Object.keys(specs);
  for (const [key, value] of Object.entries(input)) {
    const spec = specs[key];
    if (spec) {
      checkValue(ctx, task, callee, key, value, spec);
      continue;
    }
    const hint = didYouMean(key, declared);
    ctx.report(
      {
        code: 'TASK_INPUT_UNKNOWN_PARAMETER',
        severity: callee.unknownSeverity,
        pointer: joinPointer(callee.base, key),
        message: `${callee.label} has no ${callee.noun} '${key}'`,
        hint: hint ?? (declared.length > 0 ? `its ${callee.noun}s: ${declared.join(', ')}` : `it declares no ${callee.noun}s`),
      },
      'key',
    );
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required !== true || 'default' in spec || name in input) continue;
    ctx.report({
      code: 'TASK_INPUT_MISSING_PARAMETER',
      pointer: missingPointer(),
      message: callee.label.startsWith('core.')
        ? `task '${task.def.id}' does not pass '${name}', which ${callee.label} needs`
        : `task '${task.def.id}' does not pass '${name}', a required ${callee.noun} of ${callee.label}`,
      hint: `add ${name}: ... under ${callee.base.endsWith('/input/input') ? 'input.input' : 'input'}`,
    });
  }
}

// core.llm's keys are checked as a built-in's (BUILTIN_INPUTS); a literal message list also by shape.
function checkLlmInput(ctx: RuleContext, task: TaskView): void {
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

function checkPackAction(ctx: RuleContext, task: TaskView, parameters: Record<string, ParameterSpec>): void {
  if (Object.keys(parameters).length === 0) return;
  const callee: Callee = { label: `action '${task.def.action}'`, noun: 'parameter', base: joinPointer(task.pointer, 'input'), unknownSeverity: 'warning' };
  checkCall(ctx, task, callee, task.def.input, parameters, () => missingAt(ctx, task));
}

// The child's inputs are known when the child is in the tree being validated; a child that
// is only registered, or named by an expression, is checked when the task runs.
function checkChildInput(ctx: RuleContext, task: TaskView): void {
  const { workflow, input } = task.def.input as { workflow?: unknown; input?: unknown };
  if (typeof workflow !== 'string' || workflow.includes('${')) return;
  const child = ctx.index.workflows.get(workflow)?.body as WorkflowDef | null | undefined;
  if (!child || typeof child !== 'object') return;
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) return;
  const base = joinPointer(task.pointer, 'input', 'input');
  const callee: Callee = { label: `workflow '${workflow}'`, noun: 'input', base, unknownSeverity: 'error' };
  const given = (input ?? {}) as Record<string, unknown>;
  checkCall(ctx, task, callee, given, child.input ?? {}, () => (input === undefined ? missingAt(ctx, task) : base));
}

/**
 * A core.workflow task gives its child the inputs the child declares. Runs once every
 * workflow of the tree is read (a child may come later in the listing).
 */
export const checkChildWorkflowInput: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (task.own && task.def.action === 'core.workflow' && task.def.component === undefined) checkChildInput(ctx, task);
  }
};

/** A task passes what its action needs, and only what it declares. */
export const checkTaskInput: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (!task.own || task.def.component !== undefined) continue;
    const builtin = BUILTIN_INPUTS[task.def.action];
    if (builtin) {
      const oneOf = BUILTIN_ONE_OF[task.def.action];
      if (oneOf && !oneOf.some((key) => key in task.def.input)) {
        ctx.report({
          code: 'TASK_INPUT_MISSING_PARAMETER',
          pointer: missingAt(ctx, task),
          message: `task '${task.def.id}' does not pass ${oneOf.map((k) => `'${k}'`).join(' or ')}, which ${task.def.action} needs`,
        });
      }
      if (task.def.action === 'core.llm') checkLlmInput(ctx, task);
      const callee: Callee = { label: task.def.action, noun: 'input', base: joinPointer(task.pointer, 'input'), unknownSeverity: 'warning' };
      checkCall(ctx, task, callee, task.def.input, builtin, () => missingAt(ctx, task));
      continue;
    }
    const body = ctx.index.actions.get(task.def.action)?.body;
    if (body && 'runner' in body) checkPackAction(ctx, task, (body as ActionDef).parameters);
  }
};
