/**
 * Engine configuration: every option with its default; resolveEngineConfig fills them in.
 * Defaults of options that are settings come from the one defaults table
 * (src/core/settings.ts); the retry backoff and cancel grace are workflow-format defaults,
 * not settings, and live here.
 */
import { SETTINGS } from '../core/settings.js';

export interface EngineLimits {
  /** Events one execution may write; beyond it the execution fails with EXEC_LIMIT. @default 100000 */
  max_events_per_execution: number;
  /** Bytes of JSON a task may return; larger fails the task with TASK_OUTPUT_TOO_LARGE. @default 1048576 */
  max_task_output_bytes: number;
  /** Items one fan-out (`with_items`) may expand to; more fails the task with EXEC_LIMIT. @default 1000 */
  max_items: number;
  /**
   * Levels of `core.workflow` nesting below a top-level execution; a deeper child fails its
   * parent task with EXEC_LIMIT (so a workflow that calls itself stops). @default 16
   */
  max_workflow_depth: number;
  /**
   * Executions one top-level execution may have below it, all levels together (stops a
   * `with_items` fan-out of `core.workflow` growing exponentially within the depth limit);
   * the task that would start one more fails with EXEC_LIMIT. @default 1000
   */
  max_descendants: number;
  /**
   * Times one task attempt may be interrupted by the engine's own death (crash, stop past
   * its grace, a lost node) and re-dispatched without spending its retry budget; past it the
   * attempt fails with error type INTERRUPTED, which a retry policy may retry. @default 5
   */
  max_task_interruptions: number;
  /** Bytes of task log one attempt may write; past it a truncation note ends its log. @default 1048576 */
  max_log_bytes_per_attempt: number;
}

export interface EngineConfig {
  /** Tasks (and fan-out items) running at once in one execution. @default 10 */
  max_concurrent_tasks?: number;
  /** Top-level executions running at once; the rest wait, in order, as `pending`. @default 100 */
  max_concurrent_workflows?: number;
  /** A task attempt's deadline when the task sets no `timeout_ms`. @default 300000 */
  default_timeout_ms?: number;
  /** An execution's deadline from its start; 0 means none. @default 86400000 */
  max_execution_time_ms?: number;
  /** Attempts (counting the first) when a task sets no `retry.max_attempts`. @default 1 */
  retry_max_attempts?: number;
  /** @default 1000 */
  retry_initial_delay_ms?: number;
  /** @default 2 */
  retry_backoff_factor?: number;
  /** @default 30000 */
  retry_max_delay_ms?: number;
  /** Fraction of each retry delay randomised either way. @default 0.1 */
  retry_jitter?: number;
  /** How long canceled tasks get to stop before they are recorded as canceled. @default 5000 */
  cancel_grace_ms?: number;
  /** Seconds between automatic checkpoints of a running execution; 0 disables them. @default 0 */
  checkpoint_interval_s?: number;
  /** Environment variable names expressions may read as `${env.NAME}`. @default [] */
  env_allowlist?: string[];
  /**
   * Allow-listed variables whose values are secrets, masked wherever they appear. Names that
   * look secret (`*TOKEN*`, `*PASSWORD*`, `*SECRET*`, `*API_KEY*`, ...) are secret without being listed.
   * @default []
   */
  secret_env?: string[];
  /** Folder holding the packs; a task's pack directory is `<packs_dir>/<pack_ref>`. */
  packs_dir?: string;
  limits?: Partial<EngineLimits>;
}

/** EngineConfig with every default applied. */
export interface ResolvedEngineConfig {
  max_concurrent_tasks: number;
  max_concurrent_workflows: number;
  default_timeout_ms: number;
  max_execution_time_ms: number;
  retry_max_attempts: number;
  retry_initial_delay_ms: number;
  retry_backoff_factor: number;
  retry_max_delay_ms: number;
  retry_jitter: number;
  cancel_grace_ms: number;
  checkpoint_interval_s: number;
  env_allowlist: string[];
  secret_env: string[];
  packs_dir: string | null;
  limits: EngineLimits;
}

/** Applies the defaults documented on EngineConfig. */
export function resolveEngineConfig(config: EngineConfig = {}): ResolvedEngineConfig {
  return {
    max_concurrent_tasks: config.max_concurrent_tasks ?? SETTINGS.max_concurrent_tasks.default,
    max_concurrent_workflows: config.max_concurrent_workflows ?? SETTINGS.max_concurrent_workflows.default,
    default_timeout_ms: config.default_timeout_ms ?? SETTINGS.default_timeout_ms.default,
    max_execution_time_ms: config.max_execution_time_ms ?? SETTINGS.max_execution_time_ms.default,
    retry_max_attempts: config.retry_max_attempts ?? SETTINGS.retry_max_attempts.default,
    retry_initial_delay_ms: config.retry_initial_delay_ms ?? 1000,
    retry_backoff_factor: config.retry_backoff_factor ?? 2,
    retry_max_delay_ms: config.retry_max_delay_ms ?? 30_000,
    retry_jitter: config.retry_jitter ?? 0.1,
    cancel_grace_ms: config.cancel_grace_ms ?? 5000,
    checkpoint_interval_s: config.checkpoint_interval_s ?? SETTINGS.checkpoint_interval_seconds.default,
    env_allowlist: config.env_allowlist ?? [],
    secret_env: config.secret_env ?? [],
    packs_dir: config.packs_dir ?? null,
    limits: {
      max_events_per_execution: config.limits?.max_events_per_execution ?? SETTINGS.max_events_per_execution.default,
      max_task_output_bytes: config.limits?.max_task_output_bytes ?? SETTINGS.max_task_output_size.default,
      max_items: config.limits?.max_items ?? SETTINGS.max_items.default,
      max_workflow_depth: config.limits?.max_workflow_depth ?? SETTINGS.max_workflow_depth.default,
      max_descendants: config.limits?.max_descendants ?? SETTINGS.max_descendants.default,
      max_task_interruptions: config.limits?.max_task_interruptions ?? SETTINGS.max_task_interruptions.default,
      max_log_bytes_per_attempt: config.limits?.max_log_bytes_per_attempt ?? SETTINGS.max_log_size.default,
    },
  };
}
