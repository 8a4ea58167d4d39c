import type { EngineContext } from './engine-context.js';
import type { ExecutionLauncher } from './execution-launcher.js';
import type { WorkflowCache } from './workflow-cache.js';

/** Starts queued executions as slots under max_concurrent_workflows free up (single node). */
export interface ExecutionScheduler {
  /** Starts waiting executions while there is room; a second call while one runs is a no-op. */
  pump(): Promise<void>;
}

/** Creates the scheduler of the engine's waiting queue. */
export function createExecutionScheduler(ctx: EngineContext, workflows: WorkflowCache, launcher: Pick<ExecutionLauncher, 'activate'>): ExecutionScheduler {
  const { store, config, logger, limited, waiting } = ctx;
  let pumping = false;
  return {
    async pump() {
      if (pumping) return;
      pumping = true;
      try {
        while (!ctx.stopping && limited.size < config.max_concurrent_workflows && waiting.length > 0) {
          const id = waiting.shift() as string;
          const record = await store.executions.getExecution(id);
          if (!record || record.status !== 'pending') continue;
          limited.add(id);
          try {
            await launcher.activate(record, await workflows.byId(record.workflow_id), false);
          } catch (error) {
            limited.delete(id);
            logger.error('could not start a queued execution', { execution_id: id, error: String(error) });
          }
        }
      } finally {
        pumping = false;
      }
    },
  };
}
