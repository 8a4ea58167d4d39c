/**
 * TASK_INPUT_INVALID_VALUE for the durable waits (core.sleep until/duration, core.signal,
 * core.approval): literal durations, times and names that would fail the task when it
 * starts waiting, and a fan-out (with_items) of a wait, which the engine does not run.
 */
import { joinPointer } from '../../core/source.js';
import { parseInstant, SIGNAL_NAME } from '../../core/wait-wire.js';
import { parseDuration } from '../../triggers/duration.js';
import type { Rule, RuleContext, TaskView } from './rule-context.js';

const WAITS = new Set(['core.sleep', 'core.signal', 'core.approval']);
const DURATION_HINT = 'write a duration with units (30s, 5m, 2h, 3d) or seconds as a number';

function literal(value: unknown): boolean {
  return value !== undefined && !(typeof value === 'string' && value.includes('${'));
}

function report(ctx: RuleContext, task: TaskView, key: string, message: string, hint: string): void {
  ctx.report({ code: 'TASK_INPUT_INVALID_VALUE', pointer: joinPointer(task.pointer, 'input', key), message: `task '${task.def.id}': ${message}`, hint });
}

function checkDuration(ctx: RuleContext, task: TaskView, input: Record<string, unknown>, key: string): void {
  const value = input[key];
  if (!literal(value)) return;
  const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : null;
  if (ms === null) report(ctx, task, key, `${key} ${JSON.stringify(value)} is not a duration`, DURATION_HINT);
}

function checkBoth(ctx: RuleContext, task: TaskView, input: Record<string, unknown>, a: string, b: string): void {
  if (input[a] !== undefined && input[b] !== undefined) report(ctx, task, b, `give one of '${a}' and '${b}', not both`, `remove '${b}' or '${a}'`);
}

function checkTask(ctx: RuleContext, task: TaskView): void {
  const action = task.def.action;
  const input = task.def.input ?? {};
  if (action === 'core.sleep') {
    checkBoth(ctx, task, input, 'until', 'duration');
    if (input.ms !== undefined) checkBoth(ctx, task, input, 'ms', input.until !== undefined ? 'until' : 'duration');
    checkDuration(ctx, task, input, 'duration');
    if (literal(input.until) && parseInstant(input.until) === null) {
      report(ctx, task, 'until', `until ${JSON.stringify(input.until)} is not an ISO-8601 time with a zone`, "write a time like '2026-12-05T10:00:00Z', or compute one with ${...}");
    }
  }
  if (action === 'core.signal') {
    if (literal(input.name) && (typeof input.name !== 'string' || !SIGNAL_NAME.test(input.name))) {
      report(ctx, task, 'name', `signal name ${JSON.stringify(input.name)} must be 1-128 letters, digits or _ . : -`, "name the signal like 'payment_received'");
    }
    checkDuration(ctx, task, input, 'timeout');
  }
  if (action === 'core.approval') {
    checkBoth(ctx, task, input, 'expires_in', 'expiration_hours');
    checkDuration(ctx, task, input, 'expires_in');
    const hours = input.expiration_hours;
    if (literal(hours) && (typeof hours !== 'number' || !(hours > 0))) {
      report(ctx, task, 'expiration_hours', `expiration_hours ${JSON.stringify(hours)} must be a number > 0`, 'write the hours as a number, like 24');
    }
  }
  const durable = action !== 'core.sleep' || input.until !== undefined || input.duration !== undefined;
  if (durable && task.def.with_items !== undefined) {
    ctx.report({
      code: 'TASK_INPUT_INVALID_VALUE',
      pointer: joinPointer(task.pointer, 'with_items'),
      message: `task '${task.def.id}' fans out ${action}, a durable wait; waits do not fan out`,
      hint: 'wait once in its own task, or give each item its own workflow (core.workflow)',
    });
  }
}

/** Durable waits get inputs they can wait with. */
export const checkWaits: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  for (const task of view.tasks) {
    if (task.own && WAITS.has(task.def.action)) checkTask(ctx, task);
  }
};
