/**
 * Runs one execution: feeds inputs to the pure core, commits the events of each
 * step through the write queue, and only then acts — starts handlers, arms timers,
 * aborts. State in memory is always the fold of what was (or is being) committed.
 */
import type { ActionHandler, TaskLogStream } from '../actions/action.js';
import { isHarmoniaError } from '../core/errors.js';
import type { RunnableDefinition, ExecutionEvent, ExecutionRecord, TaskDef, TaskResult, WorkflowDef } from '../core/model.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { Command } from './commands.js';
import type { ResolvedEngineConfig } from './config.js';
import type { DecideContext, DecideInput } from './decide-context.js';
import { isoTime, step } from './decide.js';
import type { EventBus } from './event-bus.js';
import type { Plan } from './plan.js';
import { isDormant, isTerminalExecution, type ExecutionState, type WorkRef } from './state.js';
import type { TaskLogWriter } from './task-log.js';
import { UnitAbort } from './unit-abort.js';
import { idempotencyKeyOf } from '../core/unit-key.js';
import { UnitContext } from './unit-context.js';
import type { ExecutionPatch, WriteBatch, WriteQueue } from './write-queue.js';

/** Finds the handler of a task's action (the action registry). */
export interface ActionResolver {
  /** `executionId` lets a resolver answer with the action versions that execution pinned. */
  resolve(task: Pick<TaskDef, 'action' | 'component'>, packDir?: string, executionId?: string): ActionHandler;
  /**
   * The versions of the workflow's pack actions an execution starting now pins (ref →
   * version id), recorded in its workflow_started event as `action_versions`. @default none
   */
  pin?(workflow: WorkflowDef, executionId: string): Promise<Record<string, string>>;
  /** Loads what an execution pinned (its workflow_started `action_versions`) before it is carried on. @default none */
  warm?(executionId: string, pins: unknown): Promise<void>;
}

export interface EngineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface RunnerDeps {
  store: Store;
  queue: WriteQueue;
  bus: EventBus;
  clock: Clock;
  logger: EngineLogger;
  config: ResolvedEngineConfig;
  actions: ActionResolver;
  /** The handler of `core.workflow` tasks, bound to this runner. */
  subWorkflow: (runner: ExecutionRunner) => ActionHandler;
  onTerminal: (runner: ExecutionRunner) => void;
  onCheckpointTick: (runner: ExecutionRunner) => void;
  /** A commit failed and the runner stopped (a cluster node gives the execution up). */
  onBroken?: (runner: ExecutionRunner) => void;
  /** The task log. */
  logs: TaskLogWriter;
  /**
   * The execution became dormant (only durable waits left: no unit running or ready) or woke
   * up again; a dormant execution gives its max_concurrent_workflows slot back.
   */
  onDormant?: (runner: ExecutionRunner, dormant: boolean) => void;
}

const RESOLVED = Promise.resolve();

/** A batch the write queue has not taken yet, with the commands of each step in it. */
interface OpenBatch {
  events: ExecutionEvent[];
  patch: ExecutionPatch;
  steps: Command[][];
  committed: Promise<void>;
}

function unitKey(taskId: string, item: number | undefined): string {
  return item === undefined ? taskId : `${taskId}[${item}]`;
}

/** One execution being driven by this engine. */
export class ExecutionRunner {
  readonly id: string;
  readonly children = new Set<string>();
  private readonly controllers = new Map<string, UnitAbort>();
  private readonly timers = new Map<string, () => void>();
  private stopped = false;
  /** Set when a commit failed: the execution stops here until the engine restarts. */
  failure: unknown = null;
  private lastCommit: Promise<void> = Promise.resolve();
  /** Time of the latest input decided: units with a later not_before are not yet due. */
  private decidedAt = 0;
  /** Target of the armed wake-up timer, if any. */
  private wakeAt: number | null = null;
  /**
   * False once a look at the ready queue found no unit waiting for a later time: only a
   * retry (folded from retry_attempted) adds one, so the wake-up need not walk the queue,
   * which holds every ready task of a wide DAG, after each step.
   */
  private mayHaveDelayed = true;
  private doneWaiters: Array<(state: ExecutionState) => void> = [];
  /** Only durable waits are left (see RunnerDeps.onDormant). */
  dormant = false;
  /** What max_execution_time_ms counts from: the start, or the restart of a retry or rerun. */
  private deadlineFrom: number | null = null;
  private idleWaiters: Array<() => void> = [];
  /** The batch this runner's plain steps still join, until the write queue takes it. */
  private open: OpenBatch | null = null;
  /** The context of the unit started last, kept so its class's map outlives the units (see the runner factory's `resident`). */
  private lastUnit: UnitContext | null = null;
  /** The projection columns as last written, so a step rewrites only those that changed. */
  private readonly written: Pick<ExecutionPatch, 'status' | 'output' | 'error' | 'finished_at'>;

  constructor(
    private readonly deps: RunnerDeps,
    readonly record: ExecutionRecord,
    readonly workflow: RunnableDefinition<WorkflowDef>,
    readonly plan: Plan,
    readonly state: ExecutionState,
    readonly ctx: DecideContext,
    private readonly packDir: string | undefined,
  ) {
    this.id = record.id;
    this.written = { status: record.status, output: record.output, error: record.error, finished_at: record.finished_at };
  }

  /**
   * Runs one step; resolves once its events are committed and acted on. `writes`: the row
   * the step's commit creates and writes that precede its events (a new execution's); `claim`
   * makes the write take the execution's lease (see WriteBatch).
   */
  process(input: DecideInput, writes?: Pick<WriteBatch, 'creates' | 'before'>, claim?: WriteBatch['claim']): Promise<void> {
    if (this.stopped) return this.lastCommit;
    if (input.at > this.decidedAt) this.decidedAt = input.at;
    const wasTerminal = isTerminalExecution(this.state.status);
    const result = step(this.state, input, this.ctx);
    // Whether this step ends the execution: only its own commit may finish it (the state
    // already holds the step, so an earlier batch still committing must not judge by it).
    const ends = !wasTerminal && isTerminalExecution(this.state.status);
    if (result.events.length === 0 && writes === undefined) {
      this.act(result.commands, wasTerminal, ends);
      return this.lastCommit;
    }
    const events = result.events;
    if (!this.mayHaveDelayed) {
      for (let index = 0; index < events.length; index += 1) if ((events[index] as ExecutionEvent).event_type === 'retry_attempted') this.mayHaveDelayed = true;
    }
    const snapshots = result.snapshots;
    // A plain step of a running execution joins the batch of earlier steps the queue has not
    // taken yet: ten results of one turn make one batch, one projection and one promise.
    // Steps that start or end the execution, or write other rows, keep a batch of their own.
    const plain = writes === undefined && claim === undefined && snapshots.length === 0 && !wasTerminal && !isTerminalExecution(this.state.status);
    const open = this.open;
    if (plain && open !== null) {
      for (let index = 0; index < events.length; index += 1) open.events.push(events[index] as ExecutionEvent);
      this.projection(open.patch);
      open.steps.push(result.commands);
      return open.committed;
    }
    this.open = null;
    const patch = this.projection({ updated_at: '', last_seq: 0 });
    const batch: WriteBatch = { events: result.events, projection: { id: this.id, patch } };
    if (writes?.creates) batch.creates = writes.creates;
    if (writes?.before) batch.before = writes.before;
    if (claim) batch.claim = claim;
    if (snapshots.length > 0) {
      const createdAt = new Date(input.at).toISOString();
      batch.after = async (tx) => {
        for (const snap of snapshots) {
          await tx.executions.saveCheckpoint({ id: snap.checkpoint_id, execution_id: this.id, seq: snap.seq, snapshot: snap.snapshot, created_at: createdAt });
        }
      };
    }
    const steps = [result.commands];
    const committed = this.deps.queue.write(batch).then(
      () => {
        this.deps.bus.publish(events);
        // Every step but the first is plain (it leaves the execution running): only the first can have ended it.
        for (let index = 0; index < steps.length; index += 1) this.act(steps[index] as Command[], index === 0 && wasTerminal, index === 0 && ends);
      },
      (error: unknown) => this.broken(error),
    );
    if (plain) {
      const entry: OpenBatch = { events, patch, steps, committed };
      this.open = entry;
      batch.taken = () => {
        if (this.open === entry) this.open = null;
      };
    }
    this.lastCommit = committed;
    return committed;
  }

  /** Resolves when the execution reaches completed, failed or canceled. */
  whenDone(): Promise<ExecutionState> {
    if (isTerminalExecution(this.state.status)) return this.lastCommit.then(() => this.state);
    return new Promise((resolve) => this.doneWaiters.push(resolve));
  }

  /** Leaves the execution as its events say (for the next start to recover); aborts running work. */
  stop(): Promise<void> {
    this.stopped = true;
    this.releaseIdle();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.wakeAt = null;
    for (const controller of this.controllers.values()) controller.abort('shutdown');
    this.controllers.clear();
    return this.lastCommit;
  }

  /** Stopped and given up (a cluster node lost the lease): waiters stop waiting on this runner. */
  detach(): Promise<void> {
    const stopped = this.stop();
    const waiters = this.doneWaiters;
    this.doneWaiters = [];
    for (const resolve of waiters) resolve(this.state);
    return stopped;
  }

  /** Arms the timers a recovered or resumed execution needs (retries due later, deadlines). */
  armTimers(): void {
    // A recovered execution can end in its recovery step (an interrupted task out of
    // budget): a timer armed for it then would keep the process alive after stop().
    if (this.stopped || isTerminalExecution(this.state.status)) return;
    const now = this.deps.clock.now();
    this.armWakeUp();
    this.armDeadlines();
    if (this.state.canceling && this.state.cancel_requested_ms !== null) {
      const left = this.state.cancel_requested_ms + this.deps.config.cancel_grace_ms - now;
      this.timer('cancel-grace', left, 'cancel_grace_expired');
    }
  }

  /** `restarted`: a finished execution runs again (retry, rerun), so its deadline counts from now. */
  private armDeadlines(restarted = false): void {
    if (this.state.started_ms !== null) {
      this.deadlineFrom = restarted ? this.deps.clock.now() : this.state.started_ms;
      this.armDeadline();
    }
    const interval = this.deps.config.checkpoint_interval_s * 1000;
    if (interval > 0) this.checkpointTick(interval);
  }

  /**
   * max_execution_time_ms bounds the time an execution runs, not the time it sits in durable
   * waits: the deadline moves by the dormant time, and nothing fires while it is dormant (it
   * is re-armed when the execution wakes).
   */
  private armDeadline(): void {
    const limit = this.deps.config.max_execution_time_ms;
    const from = this.deadlineFrom;
    if (limit <= 0 || from === null || this.stopped || isTerminalExecution(this.state.status)) return;
    this.timers.get('deadline')?.();
    const target = from + limit + this.state.dormant_ms;
    this.timers.set(
      'deadline',
      this.deps.clock.setTimer(Math.max(0, target - this.deps.clock.now()), () => {
        this.timers.delete('deadline');
        if (this.stopped || this.state.dormant_since !== null) return;
        if (this.deps.clock.now() < from + limit + this.state.dormant_ms) return this.armDeadline();
        void this.process({ kind: 'execution_timeout', at: this.deps.clock.now() });
      }),
    );
  }

  private checkpointTick(interval: number): void {
    if (this.stopped || isTerminalExecution(this.state.status)) return;
    this.timers.get('checkpoint')?.();
    this.timers.set(
      'checkpoint',
      this.deps.clock.setTimer(interval, () => {
        if (this.stopped || isTerminalExecution(this.state.status)) return;
        this.deps.onCheckpointTick(this);
        this.checkpointTick(interval);
      }),
    );
  }

  private timer(key: string, ms: number, kind: 'settle' | 'cancel_grace_expired'): void {
    if (this.stopped || isTerminalExecution(this.state.status)) return;
    this.timers.get(key)?.();
    this.timers.set(
      key,
      this.deps.clock.setTimer(Math.max(0, ms), () => {
        this.timers.delete(key);
        void this.process({ kind, at: this.deps.clock.now() });
      }),
    );
  }

  /**
   * The execution row's new columns. Unchanged ones are left out: rewriting `status` would
   * also rewrite its index entry, one more page in every commit of a long-running execution.
   */
  private projection(patch: ExecutionPatch): ExecutionPatch {
    const state = this.state;
    const written = this.written;
    patch.updated_at = isoTime(this.deps.clock.now());
    patch.last_seq = state.last_seq;
    if (state.status !== written.status) patch.status = written.status = state.status;
    if (state.output !== written.output) patch.output = written.output = state.output;
    if (state.error !== written.error) patch.error = written.error = state.error;
    if (state.finished_at !== written.finished_at) patch.finished_at = written.finished_at = state.finished_at;
    return patch;
  }

  /** `ends`: the step these commands came from ended the execution, and its events are durable. */
  private act(commands: readonly Command[], wasTerminal: boolean, ends: boolean): void {
    if (this.stopped) return;
    for (let index = 0; index < commands.length; index += 1) {
      const command = commands[index] as Command;
      switch (command.kind) {
        case 'StartWorkflow':
          this.armDeadlines();
          break;
        case 'ResumeWorkflow':
          if (wasTerminal) this.armDeadlines(true);
          break;
        case 'StartTask':
          this.runUnit(command);
          break;
        case 'ScheduleRetry':
          this.noteRetry(command);
          break;
        case 'AbortUnit':
          this.controllers.get(unitKey(command.task_id, command.item_index))?.abort(command.reason);
          break;
        case 'RequestCancel':
          this.timer('cancel-grace', command.grace_ms, 'cancel_grace_expired');
          break;
        default:
          break;
      }
    }
    if (ends) this.finish();
    else if (!isTerminalExecution(this.state.status)) {
      this.armWakeUp();
      this.noteDormancy();
    }
  }

  private noteDormancy(): void {
    const dormant = isDormant(this.state);
    if (dormant === this.dormant) return;
    this.dormant = dormant;
    if (dormant) this.releaseIdle();
    // Awake again: the deadline has moved by the time spent waiting.
    else this.armDeadline();
    this.deps.onDormant?.(this, dormant);
  }

  /**
   * Resolves once nothing runs here: the execution finished, or only durable waits are left
   * (a shutdown need not wait for those: they carry on from the history after a restart).
   */
  whenIdle(): Promise<void> {
    if (this.dormant || this.stopped || isTerminalExecution(this.state.status)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The engine's note in the task log of the attempt that will run again, and why. */
  private noteRetry(command: Extract<Command, { kind: 'ScheduleRetry' }>): void {
    const unit: { execution_id: string; task_id: string; item_index?: number; attempt: number } = { execution_id: this.id, task_id: command.task_id, attempt: command.attempt - 1 };
    if (command.item_index !== undefined) unit.item_index = command.item_index;
    const note = command.interrupted
      ? `interrupted: the engine stopped while this attempt ran; attempt ${command.attempt} starts now (not counted against the retry budget)`
      : `failed with ${command.error.type}: ${command.error.message}; attempt ${command.attempt} in ${command.delay_ms} ms`;
    this.deps.logs.forAttempt(unit)('system', note);
  }

  /**
   * Keeps one timer armed for the earliest unit not yet due (a retry's not_before), after
   * every step: whatever consumed or moved the previous wake-up, no waiting unit is left
   * without one. Its input is decided at its target time even when the timer fires a
   * little early, so what it woke for is due.
   */
  private armWakeUp(): void {
    if (this.stopped || isTerminalExecution(this.state.status)) return;
    let next = Number.POSITIVE_INFINITY;
    if (this.mayHaveDelayed) {
      const ready = this.state.ready;
      for (let index = 0; index < ready.length; index += 1) {
        const ref = ready.at(index) as WorkRef;
        if (ref.not_before !== undefined && ref.not_before > this.decidedAt && ref.not_before < next) next = ref.not_before;
      }
      // decidedAt only grows: a unit due now stays due, so until the next retry there is nothing to wake for.
      if (next === Number.POSITIVE_INFINITY) this.mayHaveDelayed = false;
    }
    // Durable waits end at their deadline: the same one wake-up covers them, so a recovered
    // execution re-arms every wait from its history alone. Few tasks wait at once: always looked at.
    for (const id of this.state.waiting) {
      const deadline = this.state.tasks[id]?.wait?.deadline_ms ?? null;
      if (deadline !== null && deadline > this.decidedAt && deadline < next) next = deadline;
    }
    if (next === Number.POSITIVE_INFINITY || (this.wakeAt !== null && this.wakeAt <= next)) return;
    this.timers.get('wake')?.();
    this.wakeAt = next;
    const target = next;
    this.timers.set(
      'wake',
      this.deps.clock.setTimer(Math.max(0, target - this.deps.clock.now()), () => {
        this.timers.delete('wake');
        this.wakeAt = null;
        void this.process({ kind: 'settle', at: Math.max(this.deps.clock.now(), target) });
      }),
    );
  }

  private finish(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.wakeAt = null;
    for (const controller of this.controllers.values()) controller.abort('finished');
    this.controllers.clear();
    const waiters = this.doneWaiters;
    this.doneWaiters = [];
    for (const resolve of waiters) resolve(this.state);
    this.releaseIdle();
    this.deps.onTerminal(this);
  }

  private broken(error: unknown): void {
    this.failure = error;
    this.deps.logger.error('could not persist execution events; the execution stops here until the engine restarts', {
      execution_id: this.id,
      error: error instanceof Error ? error.message : String(error),
    });
    void this.stop();
    this.deps.onBroken?.(this);
  }

  private runUnit(command: Extract<Command, { kind: 'StartTask' }>): void {
    const key = unitKey(command.task_id, command.item_index);
    const def = this.plan.tasks[command.task_id];
    const controller = new UnitAbort();
    this.controllers.set(key, controller);
    let settled = false;
    let cancelTimeout: (() => void) | null = null;
    const finish = (result: TaskResult): void => {
      if (settled) return;
      settled = true;
      if (cancelTimeout !== null) cancelTimeout();
      if (this.controllers.get(key) === controller) this.controllers.delete(key);
      const input: DecideInput = { kind: 'result', at: this.deps.clock.now(), task_id: command.task_id, attempt: command.attempt, result };
      if (command.item_index !== undefined) input.item_index = command.item_index;
      void this.process(input);
    };
    let handler: ActionHandler;
    try {
      if (!def) throw new Error(`unknown task '${command.task_id}'`);
      handler = def.action === 'core.workflow' ? this.deps.subWorkflow(this) : this.deps.actions.resolve(def, this.packDir, this.id);
    } catch (error) {
      finish(errorResult(error, false));
      return;
    }
    // The task's own deadline wins, then the action's (a pack action's timeout_ms), then the engine's.
    const timeoutMs = command.timeout_ms ?? handler.timeout_ms ?? this.deps.config.default_timeout_ms;
    // The attempt's log writer is made at its first line: most tasks print none.
    let writer: ((stream: TaskLogStream, line: string) => void) | null = null;
    const log = (stream: TaskLogStream, line: string): void => {
      if (writer === null) {
        const unit: { execution_id: string; task_id: string; item_index?: number; attempt: number } = { execution_id: this.id, task_id: command.task_id, attempt: command.attempt };
        if (command.item_index !== undefined) unit.item_index = command.item_index;
        writer = this.deps.logs.forAttempt(unit);
      }
      writer(stream, line);
    };
    // Set once the deadline passed: whatever the action then returns, the attempt timed out.
    let timedOut: TaskResult | null = null;
    cancelTimeout = this.deps.clock.setTimer(timeoutMs, () => {
      log('system', `timed out after ${timeoutMs} ms: stopping the task`);
      const result: TaskResult = {
        status: 'error',
        error_type: 'TIMEOUT',
        error_message: `task '${command.task_id}' ran longer than its timeout of ${timeoutMs} ms`,
        is_retriable: true,
      };
      timedOut = result;
      controller.abort('timeout');
      // The attempt ends once its action has stopped (a process is killed after its kill
      // grace), so a retry never overlaps it and what it prints while stopping is in its log.
      // An action deaf to its signal is given up on after the cancel grace, as a cancel is.
      cancelTimeout = this.deps.clock.setTimer(this.deps.config.cancel_grace_ms, () => finish(result));
    });
    const ctx = new UnitContext(
      this.id,
      command.task_id,
      command.attempt,
      idempotencyKeyOf(this.id, command.task_id, command.item_index),
      timeoutMs,
      this.deps.config.limits.max_task_output_bytes,
      log,
      controller,
      this.deps.logs.backlog,
    );
    if (this.packDir !== undefined) ctx.pack_dir = this.packDir;
    this.lastUnit = ctx;
    // Run on a later microtask (not inside act's loop), its result taken from the handler's
    // own promise: a chain of then()s made two more promises per unit, and a job to adopt the
    // handler's. (Node's queueMicrotask would make an async resource per unit, dearer still.)
    void RESOLVED.then(() => {
      let running: Promise<TaskResult> | TaskResult;
      try {
        running = handler.run(command.input, ctx);
      } catch (error) {
        finish(timedOut ?? errorResult(error, true));
        return;
      }
      const done = (result: TaskResult): void => finish(timedOut === null ? result : withLateUsage(timedOut, result));
      const failed = (error: unknown): void => finish(timedOut ?? errorResult(error, true));
      if (running instanceof Promise) running.then(done, failed);
      else Promise.resolve(running).then(done, failed);
    });
  }
}

/**
 * The timeout's result, carrying what the stopped action reports it spent (core.llm's tokens
 * up to the abort): the attempt timed out whatever it returned, but it was billed.
 */
function withLateUsage(timedOut: TaskResult, late: TaskResult): TaskResult {
  return late.usage === undefined ? timedOut : { ...timedOut, usage: late.usage };
}

/** A thrown error as a task result (handlers should return errors, but a throw must not be lost). */
export function errorResult(error: unknown, retriable: boolean): TaskResult {
  return {
    status: 'error',
    error_type: isHarmoniaError(error) ? error.code : 'ACTION_FAILED',
    error_message: error instanceof Error ? error.message : String(error),
    is_retriable: retriable,
  };
}
