import { HarmoniaError } from '../core/errors.js';
import type { ExecutionRecord } from '../core/model.js';
import { isoTime } from './decide.js';
import type { EngineContext } from './engine-context.js';
import type { ExecutionRunner } from './runner.js';

/** The record of an execution driven here, brought up to date from its state in memory. */
export function currentRecord(runner: ExecutionRunner, now: number): ExecutionRecord {
  const state = runner.state;
  return {
    ...runner.record,
    status: state.status,
    output: state.output,
    error: state.error,
    finished_at: state.finished_at,
    last_seq: state.last_seq,
    // Remembered per millisecond: Date's own toISOString formats through snprintf (~7,000 instructions).
    updated_at: isoTime(now),
  };
}

/** The freshest record of an execution. Thrown when it does not exist (EXEC_NOT_FOUND). */
export async function getExecutionRecord(ctx: EngineContext, id: string): Promise<ExecutionRecord> {
  const runner = ctx.runners.get(id);
  if (runner) return currentRecord(runner, ctx.clock.now());
  const record = await ctx.store.executions.getExecution(id);
  if (!record) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' does not exist`, { details: { execution_id: id } });
  return record;
}
