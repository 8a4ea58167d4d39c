import type { TaskResult, WorkflowDef } from '../../../src/core/model.js';
import { renderValue } from '../../../src/expr/index.js';
import type { Command } from '../../../src/engine/commands.js';
import { resolveEngineConfig, type EngineConfig } from '../../../src/engine/config.js';
import type { DecideContext, DecideInput } from '../../../src/engine/decide-context.js';
import { step } from '../../../src/engine/decide.js';
import { buildPlan } from '../../../src/engine/plan.js';
import { initialState, type ExecutionState } from '../../../src/engine/state.js';
import type { ExecutionEvent } from '../../../src/core/model.js';

/** The workflow_started payload fields a test does not care about. */
export const START = { workflow_ref: 'demo.test', workflow_version: 1, input: {}, parent_execution_id: null, parent_task_id: null };

export { workflowBody as body } from '../../fixtures/workflow-body.js';

/** A DecideInput whose time the driver fills in. */
export type Sendable = DecideInput extends infer T ? (T extends { at: number } ? Omit<T, 'at'> & { at?: number } : never) : never;

/** Drives the pure core by hand: no store, no clock, time passed explicitly. */
export class Driver {
  readonly ctx: DecideContext;
  readonly state: ExecutionState;
  readonly events: ExecutionEvent[] = [];
  commands: Command[] = [];
  now = 1_000_000;

  constructor(workflow: WorkflowDef, config: EngineConfig = {}) {
    const plan = buildPlan(workflow);
    this.ctx = {
      plan,
      config: resolveEngineConfig({ retry_jitter: 0, ...config }),
      render: (value, scope) => renderValue(value, scope),
      env: {},
      custom_state: {},
      random: () => 0.5,
    };
    this.state = initialState(plan, 'exec-1', 'wf-1');
  }

  send(input: Sendable): Command[] {
    const result = step(this.state, { at: this.now, ...input } as DecideInput, this.ctx);
    this.events.push(...result.events);
    this.commands = result.commands;
    return result.commands;
  }

  start(input: Record<string, unknown> = {}): Command[] {
    return this.send({ kind: 'start', data: { ...START, input } });
  }

  /** Task ids (with [item]) started by the last step. */
  started(): string[] {
    return this.commands.flatMap((c) => (c.kind === 'StartTask' ? [c.item_index === undefined ? c.task_id : `${c.task_id}[${c.item_index}]`] : []));
  }

  attemptOf(taskId: string, item?: number): number {
    const task = this.state.tasks[taskId];
    const unit = item === undefined ? task : task?.items?.[item];
    return unit?.attempt ?? 0;
  }

  complete(taskId: string, data: unknown = {}, item?: number): Command[] {
    return this.result(taskId, { status: 'success', data }, item);
  }

  fail(taskId: string, type = 'ACTION_FAILED', retriable = true, item?: number): Command[] {
    return this.result(taskId, { status: 'error', error_type: type, error_message: `${taskId} broke`, is_retriable: retriable }, item);
  }

  result(taskId: string, result: TaskResult, item?: number): Command[] {
    const input: Sendable = { kind: 'result', task_id: taskId, attempt: this.attemptOf(taskId, item), result };
    if (item !== undefined) input.item_index = item;
    return this.send(input);
  }

  types(): string[] {
    return this.events.map((e) => (e.task_id ? `${e.event_type}:${e.task_id}` : e.event_type));
  }

  status(taskId: string): string | undefined {
    return this.state.tasks[taskId]?.status;
  }
}
