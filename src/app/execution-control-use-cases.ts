/** The operator's controls of an execution: pause, resume, cancel, terminate, retry, rerun from a task, skip a task. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ExecutionRecord } from '../core/model.js';
import type { ExecutionControlResult } from '../core/wire.js';
import type { Engine } from '../engine/engine-api.js';
import { executionView } from './views.js';

export type ExecutionControlUseCases = Pick<
  HarmoniaApi,
  'pauseExecution' | 'resumeExecution' | 'cancelExecution' | 'terminateExecution' | 'retryExecution' | 'rerunExecution' | 'skipTask'
>;

/** The engine's controls; they apply where the execution runs (another node forwards them on PostgreSQL). */
export type ExecutionController = Pick<Engine, 'pause' | 'resume' | 'cancel' | 'terminate' | 'retry' | 'rerunFrom' | 'skipTask'>;

function result(record: ExecutionRecord): ExecutionControlResult {
  return { execution_id: record.id, status: record.status, execution: executionView(record) };
}

/** Creates the controls over the engine that drives executions. */
export function createExecutionControlUseCases(engine: ExecutionController): ExecutionControlUseCases {
  return {
    pauseExecution: async (id) => result(await engine.pause(id)),
    resumeExecution: async (id) => result(await engine.resume(id)),
    cancelExecution: async (id) => result(await engine.cancel(id)),
    terminateExecution: async (id) => result(await engine.terminate(id)),
    retryExecution: async (id) => result(await engine.retry(id)),
    rerunExecution: async (id, taskId) => result(await engine.rerunFrom(id, taskId)),
    skipTask: async (id, taskId) => result(await engine.skipTask(id, taskId)),
  };
}
