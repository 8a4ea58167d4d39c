import type { ExecutionEvent, ExecutionRecord } from '../core/model.js';
import { assertParentWaits, cascadeChildren } from './child-controls.js';
import { checkControl, invalidState, type ControlKind } from './control-rules.js';
import type { DecideInput } from './decide-context.js';
import type { EngineContext } from './engine-context.js';
import { currentRecord, getExecutionRecord } from './execution-record.js';
import { otherNodeError } from './other-node-error.js';
import type { RunnerFactory } from './runner-factory.js';
import { isTerminalExecution } from './state.js';

/**
 * Applies an operator control (pause, resume, cancel, terminate, retry, rerun, skip).
 * Thrown when the control does not apply to the execution's status (EXEC_INVALID_STATE).
 */
export type ApplyControl = (id: string, kind: ControlKind, taskId?: string) => Promise<ExecutionRecord>;

/** Creates the function that applies operator controls to executions. */
export function createControlApplier(ctx: EngineContext, runnerFactory: RunnerFactory, wake: (id: string) => void): ApplyControl {
  const { clock, ownership, runners, limited, waiting, queue, bus } = ctx;

  /** A queued execution has no runner: cancelling it writes its one event directly. */
  async function cancelQueued(record: ExecutionRecord, kind: ControlKind): Promise<ExecutionRecord> {
    const id = record.id;
    const index = waiting.indexOf(id);
    if (index >= 0) waiting.splice(index, 1);
    const at = new Date(clock.now()).toISOString();
    const event: ExecutionEvent = { event_type: 'workflow_canceled', execution_id: id, workflow_id: record.workflow_id, timestamp: at, seq: record.last_seq + 1, data: { terminated: kind === 'terminate' } };
    await queue.write({
      events: [event],
      projection: { id, patch: { status: 'canceled', finished_at: at, updated_at: at, last_seq: event.seq } },
      ...(ownership ? { claim: 'first' as const } : {}),
    });
    ownership?.released(id, true);
    bus.publish([event]);
    wake(id);
    return getExecutionRecord(ctx, id);
  }

  async function control(id: string, kind: ControlKind, taskId?: string): Promise<ExecutionRecord> {
    let runner = runners.get(id);
    if (!runner) {
      const record = await getExecutionRecord(ctx, id);
      if (record.status === 'pending') {
        if (kind !== 'cancel' && kind !== 'terminate') throw invalidState(id, 'pending', kind, 'only cancel and terminate apply to a queued execution');
        return cancelQueued(record, kind);
      }
      if (record.status === 'canceled' && (kind === 'cancel' || kind === 'terminate')) return record;
      if (ownership && !isTerminalExecution(record.status)) {
        if (!ownership.forward) throw otherNodeError(id, record.status, kind);
        await ownership.forward(id, kind, taskId);
        return getExecutionRecord(ctx, id);
      }
      if (kind !== 'retry_execution' && kind !== 'rerun') {
        throw invalidState(id, record.status, kind === 'skip' ? 'skip a task of' : kind, 'it has finished');
      }
      if (isTerminalExecution(record.status)) await assertParentWaits(runnerFactory.read, record, kind, taskId);
      runner = await runnerFactory.load(record);
    }
    if (checkControl(id, runner.plan, runner.state, kind, taskId) === 'noop') return currentRecord(runner, clock.now());
    if (!runners.has(id)) {
      runners.set(id, runner);
      if (runner.record.parent_execution_id === null) limited.add(id);
    }
    const input = (taskId === undefined ? { kind, at: clock.now() } : { kind, at: clock.now(), task_id: taskId }) as DecideInput;
    await runner.process(input, undefined, ownership && isTerminalExecution(runner.state.status) ? 'last' : undefined);
    if (kind === 'pause' || kind === 'resume') {
      for (const child of cascadeChildren(id, runner.plan, runner.state, runner.children)) {
        if (runners.has(child)) await control(child, kind).catch(() => undefined);
      }
    }
    return currentRecord(runner, clock.now());
  }

  return control;
}
