/** An execution's summary (task counts, duration, output) and metrics (durations, parallelism, retries). */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { WorkflowDef } from '../core/model.js';
import type { ExecutionMetricsView, ExecutionSummaryView } from '../core/wire.js';
import type { Engine } from '../engine/engine-api.js';
import type { Store } from '../store/store.js';

export type ExecutionReportUseCases = Pick<HarmoniaApi, 'getWorkflowSummary' | 'getWorkflowMetrics'>;

/** The engine's reports of one execution. */
export type ExecutionReporter = Pick<Engine, 'getSummary' | 'getMetrics' | 'getStatus' | 'getExecution'>;

/** Creates the summary and metrics reads. */
export function createExecutionReportUseCases(store: Store, engine: ExecutionReporter): ExecutionReportUseCases {
  return {
    async getWorkflowSummary(id): Promise<ExecutionSummaryView> {
      const summary = await engine.getSummary(id);
      const record = await engine.getExecution(id);
      const workflow = await store.registry.getById(record.workflow_id);
      return {
        ...summary,
        workflow_name: (workflow?.body as WorkflowDef | undefined)?.name ?? summary.workflow_ref,
        task_count: summary.tasks.total,
        completed_tasks: summary.tasks.completed,
      };
    },
    async getWorkflowMetrics(id): Promise<ExecutionMetricsView> {
      const metrics = await engine.getMetrics(id);
      const status = await engine.getStatus(id);
      const finished = Object.values(status.task_statuses).filter((t) => t.finished_at !== null);
      return {
        ...metrics,
        events_by_type: { ...metrics.events_by_type },
        total_duration: metrics.duration_ms,
        average_task_duration: finished.length === 0 ? null : Math.round(finished.reduce((sum, t) => sum + t.duration_ms, 0) / finished.length),
        total_retries: metrics.retries,
      };
    },
  };
}
