import type { CheckpointRecord, ExecutionEvent, ExecutionRecord } from '../core/model.js';
import type { SecretMasker } from '../core/secret-masker.js';
import type { StoredTaskLogLine, TaskLogQuery, Store } from '../store/store.js';
import type { CheckpointValidation } from './checkpoints.js';
import type { Clock } from './clock.js';
import type { EngineConfig, ResolvedEngineConfig } from './config.js';
import type { RenderFn } from './decide-context.js';
import type { EventBus } from './event-bus.js';
import type { ActionResolver, EngineLogger } from './runner.js';
import type { ControlKind } from './control-rules.js';
import type { WriteFence } from './write-queue.js';
import type { ExecutionWaitsApi } from './execution-waits.js';
import type { ExecutionMetrics, ExecutionStatusReport, ExecutionSummary } from './summary.js';

export interface EngineOptions {
  store: Store;
  /** Resolves task actions to handlers (src/actions' createActionRegistry). */
  actions: ActionResolver;
  /** @default the system clock */
  clock?: Clock;
  logger?: EngineLogger;
  config?: EngineConfig;
  /** The environment `${env.*}` may read, filtered by config.env_allowlist. @default {} */
  env?: Readonly<Record<string, string | undefined>>;
  /** Evaluates `${...}` templates. @default src/expr renderValue */
  render?: RenderFn;
  /** @default Math.random */
  random?: () => number;
  /** The bus events are published on; a cluster node passes one that also carries other nodes' events. @default a new in-process bus */
  bus?: EventBus;
  /**
   * Set by a cluster node (src/cluster): the engine then drives only the executions the
   * node holds leases on, and every write is fenced by the lease. Without it the engine
   * is the only one on its store and recovers every unfinished execution on start.
   */
  ownership?: EngineOwnership;
  /**
   * The secrets to mask in everything the engine stores or publishes; the engine adds the
   * values of secret inputs, secret environment variables and credentials tasks send.
   * Share it with the server so its responses, streams and logs are masked alike.
   * @default a new masker knowing no values yet
   */
  secrets?: SecretMasker;
}

/** A cluster node's side of the engine: the lease fence on writes, and news of executions the engine stops driving. */
export interface EngineOwnership extends WriteFence {
  /** The engine no longer drives an execution: it finished (`finished`), or a write failed and it was given up. */
  released(executionId: string, finished: boolean): void;
  /**
   * A control for an unfinished execution this engine does not drive: the node applies it
   * where the execution runs (or takes the execution over when nobody holds it). Without
   * it such controls are refused with EXEC_INVALID_STATE.
   */
  forward?(executionId: string, kind: ControlKind | 'signal' | 'approval', taskId?: string, data?: Record<string, unknown>): Promise<void>;
}

export interface StartExecutionOptions {
  workflow_ref?: string;
  /** A DefinitionRecord id: pins an exact workflow version. */
  workflow_id?: string;
  input?: Record<string, unknown>;
  parent?: { execution_id: string; task_id: string };
  /**
   * A caller-chosen execution id (a trigger derives it from the fire, so a fire taken over
   * after a node's death finds the execution instead of starting a second one).
   * Thrown when it exists: STORE_CONFLICT. @default a new UUID
   */
  id?: string;
  /**
   * What started it (a trigger), recorded in the workflow_started event's data as `trigger`.
   * `chain`: for an after-trigger, how many executions in a row after-triggers started, this one included.
   */
  trigger?: { id: string; scheduled_at: string; reason: string; chain?: number };
  /** A fingerprint of the request that asked for it (an Idempotency-Key's), recorded in workflow_started. */
  request_fingerprint?: string;
}

/** What the engine offers its callers (server routes, CLI, tests). */
/** A pause or resume a parent execution passes on to its sub-workflow. */
export interface ControlCascade {
  by_parent: string;
}

export interface Engine extends ExecutionWaitsApi {
  readonly bus: EventBus;
  /** The secrets known to the engine (see EngineOptions.secrets). */
  readonly secrets: SecretMasker;
  readonly config: ResolvedEngineConfig;
  /** Recovers every unfinished execution from its events and carries it on. */
  start(): Promise<void>;
  /** Stops driving executions (running tasks are aborted; the next start resumes them). */
  stop(): Promise<void>;
  /** Thrown when the workflow is unknown (WORKFLOW_NOT_FOUND) or the input invalid (EXEC_INPUT_INVALID). */
  startExecution(options: StartExecutionOptions): Promise<ExecutionRecord>;
  getExecution(id: string): Promise<ExecutionRecord>;
  /**
   * A number that moves whenever what getDetail answers for `id` may have changed, read
   * without reading the execution; null when it cannot be told so cheaply (this engine is
   * driving the execution, or the store keeps no marks), and the caller must read.
   */
  changeMark(id: string): Promise<number | null>;
  /**
   * changeMark at once, for a request's hot path: null as changeMark's null, undefined when
   * the store cannot answer without waiting (or has no such read), and the caller asks changeMark.
   */
  changeMarkNow(id: string): number | null | undefined;
  getStatus(id: string): Promise<ExecutionStatusReport>;
  /** getExecution and getStatus from one read of the execution's row. */
  getDetail(id: string): Promise<{ record: ExecutionRecord; status: ExecutionStatusReport }>;
  getSummary(id: string): Promise<ExecutionSummary>;
  getMetrics(id: string): Promise<ExecutionMetrics>;
  /** Events with seq > afterSeq, oldest first; at most `limit` when given. */
  readEvents(id: string, afterSeq?: number, limit?: number): Promise<ExecutionEvent[]>;
  /** Task log lines of an execution after `query.after`, in seq order. Thrown when unknown: EXEC_NOT_FOUND. */
  readLogs(id: string, query: TaskLogQuery): Promise<StoredTaskLogLine[]>;
  /** The seq of the execution's last stored log line (0 before its first), the lines this engine holds stored first. */
  lastLogSeq(id: string): Promise<number>;
  /** Every task log line this engine stores from now on, once stored; returns the unsubscribe. */
  followLogs(listener: (lines: readonly StoredTaskLogLine[]) => void): () => void;
  /** `cascade.by_parent`: the parent execution passing its own pause on (another node's cascade); the operator's pause leaves it out. */
  pause(id: string, cascade?: ControlCascade): Promise<ExecutionRecord>;
  /** With `cascade.by_parent`, resumes only a pause that parent passed on; a pause an operator gave stays. */
  resume(id: string, cascade?: ControlCascade): Promise<ExecutionRecord>;
  cancel(id: string): Promise<ExecutionRecord>;
  terminate(id: string): Promise<ExecutionRecord>;
  /**
   * Runs a failed or canceled execution again: every task that did not complete runs again.
   * Thrown for any other status, or one canceled before it started (EXEC_INVALID_STATE).
   */
  retry(id: string): Promise<ExecutionRecord>;
  /** Runs a finished execution again from a task and everything downstream of it. Thrown for an unknown task (USAGE_INVALID). */
  rerunFrom(id: string, taskId: string): Promise<ExecutionRecord>;
  /**
   * Skips a pending task; its dependants treat it as completed. A task whose upstream has
   * not finished is skipped when it has (the request is recorded at once).
   */
  skipTask(id: string, taskId: string): Promise<ExecutionRecord>;
  createCheckpoint(id: string): Promise<CheckpointRecord>;
  validateCheckpoint(checkpointId: string): Promise<CheckpointValidation>;
  /** Starts a new execution that continues from the checkpoint's finished tasks. */
  restoreCheckpoint(checkpointId: string): Promise<ExecutionRecord>;
  saveState(id: string, state: Record<string, unknown>): Promise<void>;
  loadState(id: string): Promise<Record<string, unknown>>;
  waitForCompletion(id: string): Promise<ExecutionRecord>;
  /**
   * Cluster nodes: carries on an execution whose lease the node has just claimed, from its
   * events (or starts it when it is still pending). False when it has finished meanwhile or
   * is already driven here.
   */
  adopt(id: string): Promise<boolean>;
  /** Cluster nodes: stops driving an execution without writing anything (its lease is lost); running tasks are aborted. */
  relinquish(id: string): Promise<void>;
  /** Ids of the executions this engine is driving now. */
  driving(): string[];
  /** Drops what this engine keeps of executions that retention deleted (folded states of finished ones). */
  forget(ids: readonly string[]): void;
  /**
   * Resolves once nothing of the execution runs here: it finished, is driven elsewhere, or
   * only durable waits are left (a graceful shutdown waits for this, not for the waits).
   */
  whenIdle(id: string): Promise<void>;
  /** How many more top-level executions this engine would run now (max_concurrent_workflows less those running). */
  capacity(): number;
}

