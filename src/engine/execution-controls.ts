import { HarmoniaError } from '../core/errors.js';
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
export type ApplyControl = (id: string, kind: ControlKind, taskId?: string, byParent?: string) => Promise<ExecutionRecord>;

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

  /** `byParent`: a pause or resume that parent execution passes on to its sub-workflow `id`. */
  async function control(id: string, kind: ControlKind, taskId?: string, byParent?: string): Promise<ExecutionRecord> {
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
        await ownership.forward(id, kind, taskId, byParent === undefined ? undefined : { by_parent: byParent });
        return getExecutionRecord(ctx, id);
      }
      if (kind !== 'retry_execution' && kind !== 'rerun') {
        throw invalidState(id, record.status, kind === 'skip' ? 'skip a task of' : kind, 'it has finished');
      }
      if (isTerminalExecution(record.status)) await assertParentWaits(runnerFactory.read, record, kind, taskId);
      runner = await runnerFactory.load(record);
    }
    if (checkControl(id, runner.plan, runner.state, kind, taskId, byParent) === 'noop') return currentRecord(runner, clock.now());
    if (!runners.has(id)) {
      runners.set(id, runner);
      if (runner.record.parent_execution_id === null) limited.add(id);
    }
    const input = (taskId !== undefined ? { kind, at: clock.now(), task_id: taskId } : byParent !== undefined ? { kind, at: clock.now(), by_parent: byParent } : { kind, at: clock.now() }) as DecideInput;
    await runner.process(input, undefined, ownership && isTerminalExecution(runner.state.status) ? 'last' : undefined);
    if (kind === 'pause' || kind === 'resume') {
      // On a cluster a child may run on another node: the control is forwarded there, as a
      // cancel reaches it through the parent's aborted task.
      for (const child of cascadeChildren(id, runner.plan, runner.state, runner.children)) {
        if (!runners.has(child) && !ownership) continue;
        await control(child, kind, undefined, id).catch((error: unknown) => {
          // A child not started yet, or finished meanwhile, has nothing to pause or resume.
          if (error instanceof HarmoniaError && (error.code === 'EXEC_NOT_FOUND' || error.code === 'EXEC_INVALID_STATE')) return;
          ctx.logger.warn(`could not pass the ${kind} on to a sub-workflow`, { execution_id: id, child_execution_id: child, error: String(error) });
        });
      }
    }
    return currentRecord(runner, clock.now());
  }

  return control;
}
