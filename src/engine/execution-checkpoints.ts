import { randomUUID } from 'node:crypto';
import { HarmoniaError } from '../core/errors.js';
import type { CheckpointRecord, ExecutionRecord } from '../core/model.js';
import { checkCheckpoint, restorableTasks, type CheckpointValidation } from './checkpoints.js';
import { invalidState } from './control-rules.js';
import type { EngineContext } from './engine-context.js';
import type { ExecutionLauncher } from './execution-launcher.js';
import { getExecutionRecord } from './execution-record.js';
import { otherNodeError } from './other-node-error.js';
import type { RunnerFactory } from './runner-factory.js';
import { isTerminalExecution } from './state.js';
import type { WorkflowCache } from './workflow-cache.js';

/** Checkpoints of executions: taking, checking and restoring them (the Engine methods of the same names). */
export interface ExecutionCheckpoints {
  createCheckpoint(id: string): Promise<CheckpointRecord>;
  validateCheckpoint(checkpointId: string): Promise<CheckpointValidation>;
  restoreCheckpoint(checkpointId: string): Promise<ExecutionRecord>;
}

/** Creates the engine's checkpoint operations. */
export function createExecutionCheckpoints(
  ctx: EngineContext,
  workflows: WorkflowCache,
  runnerFactory: RunnerFactory,
  launcher: Pick<ExecutionLauncher, 'launch'>,
): ExecutionCheckpoints {
  const { store, clock, ownership, runners } = ctx;

  async function validateCheckpoint(checkpointId: string): Promise<CheckpointValidation> {
    const checkpoint = await store.executions.getCheckpoint(checkpointId);
    if (!checkpoint) throw new HarmoniaError('CHECKPOINT_NOT_FOUND', `checkpoint '${checkpointId}' does not exist`);
    const record = await getExecutionRecord(ctx, checkpoint.execution_id);
    const wf = await workflows.byId(record.workflow_id);
    const events = await store.executions.readEvents(record.id, 0, checkpoint.seq);
    return checkCheckpoint(wf.plan, checkpoint, events, wf.record.id);
  }

  async function createCheckpoint(id: string): Promise<CheckpointRecord> {
    const { runner, record } = await runnerFactory.view(id);
    if (record.status === 'pending') throw invalidState(id, 'pending', 'checkpoint', 'it has not started yet');
    const remote = ownership !== undefined && !runners.has(id);
    if (remote && !isTerminalExecution(record.status)) throw otherNodeError(id, record.status, 'checkpoint');
    const checkpointId = randomUUID();
    await runner.process({ kind: 'checkpoint', at: clock.now(), checkpoint_id: checkpointId }, undefined, remote ? 'none' : undefined);
    const saved = await store.executions.getCheckpoint(checkpointId);
    if (!saved) throw new HarmoniaError('CHECKPOINT_INVALID', `checkpoint of execution '${id}' was not written`);
    return saved;
  }

  // A finished execution has no runner: each call loads its own from the events, and two at
  // once would both append at the same seq (one failing with STORE_CONFLICT). One at a time per id.
  const inFlight = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = inFlight.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    inFlight.set(id, tail);
    void tail.then(() => {
      if (inFlight.get(id) === tail) inFlight.delete(id);
    });
    return next;
  }

  return {
    createCheckpoint: (id) => oneAtATime(id, () => createCheckpoint(id)),
    validateCheckpoint,
    async restoreCheckpoint(checkpointId) {
      const validation = await validateCheckpoint(checkpointId);
      if (!validation.valid) {
        throw new HarmoniaError('CHECKPOINT_INVALID', `checkpoint '${checkpointId}' cannot be restored: ${validation.problems.join('; ')}`, { details: { problems: validation.problems } });
      }
      const checkpoint = (await store.executions.getCheckpoint(checkpointId)) as CheckpointRecord;
      const source = await getExecutionRecord(ctx, checkpoint.execution_id);
      const id = randomUUID();
      const custom = await store.executions.loadState(source.id);
      return launcher.launch(
        { workflow_id: source.workflow_id },
        {
          id,
          startData: { restored_from: { execution_id: source.id, checkpoint_id: checkpoint.id, seq: checkpoint.seq }, snapshot: { tasks: restorableTasks(checkpoint.snapshot) } },
          validatedInput: source.input,
          custom,
        },
      );
    },
  };
}
