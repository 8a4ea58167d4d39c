import { join } from 'node:path';
import type { ExecutionEvent, ExecutionRecord } from '../core/model.js';
import type { ControlKind } from './control-rules.js';
import { RunnerDecideContext } from './decide-context.js';
import type { EngineContext } from './engine-context.js';
import { currentRecord, getExecutionRecord } from './execution-record.js';
import { createFoldCache, type FoldedExecution } from './fold-cache.js';
import { foldAll } from './fold.js';
import { ExecutionRunner, type RunnerDeps } from './runner.js';
import { initialState } from './state.js';
import { unitOf } from './decide-context.js';
import { createKeyedLock, createSubWorkflowAction, itemOfContext, type SubWorkflowHost } from './sub-workflow.js';
import { leave } from './leave-runner.js';
import type { LoadedWorkflow, WorkflowCache } from './workflow-cache.js';

/** What a runner calls back into the rest of the engine for. */
export interface RunnerHooks {
  startChild: SubWorkflowHost['startChild'];
  waitForCompletion(id: string): Promise<ExecutionRecord>;
  control(id: string, kind: ControlKind): Promise<ExecutionRecord>;
  createCheckpoint(id: string): Promise<unknown>;
  wake(id: string): void;
  /** A top-level execution finished and freed a slot. */
  slotFreed(): void;
}

/** Reads of an execution a caller started early, so they overlap its other reads. */
export interface PendingReads {
  events: Promise<ExecutionEvent[]>;
  custom: Promise<Record<string, unknown>>;
}

/** Builds the runners of executions, new or folded from their stored events. */
export interface RunnerFactory {
  /** A runner at the workflow's initial state (not registered). */
  make(record: ExecutionRecord, wf: LoadedWorkflow, custom: Record<string, unknown>): ExecutionRunner;
  /**
   * A runner holding the fold of a stored execution's history (not registered). `reads`:
   * its whole history and custom state when the caller has already asked for them.
   */
  load(record: ExecutionRecord, reads?: PendingReads): Promise<ExecutionRunner>;
  /** The runner driving the execution here, or one loaded from its history, with its record. */
  view(id: string): Promise<{ runner: ExecutionRunner; record: ExecutionRecord }>;
  /**
   * For reading only: the state of the runner driving the execution here, or else a cached
   * fold of its history brought up to the stored row's last_seq, with its record.
   */
  read(id: string): Promise<FoldedExecution & { record: ExecutionRecord }>;
  /** Drops what is kept of executions that were deleted (retention). */
  forget(ids: readonly string[]): void;
}

/** Creates the runner factory; hooks are called only once runners run, so they may be bound late. */
export function createRunnerFactory(ctx: EngineContext, workflows: WorkflowCache, hooks: RunnerHooks): RunnerFactory {
  const { store, config, clock, logger, ownership, runners, limited } = ctx;
  const folds = createFoldCache(store, workflows);
  const descendantLock = createKeyedLock();

  // The runner that finished last stays referenced. V8 lets a map die once no object has it
  // (a class's instances' map, a map reached by adding properties), and throws away the
  // optimised code that embeds a dead map ("weak objects"): a full collection while no
  // execution runs (an idle server's memory reducer) took the runner's hot path away from
  // the next execution that way. The last runner's objects (its state, context and last
  // unit) keep those maps alive (docs/performance.md, Fifth round). Only a runner whose state
  // the fold cache takes: one too large for it is not kept for this either.
  const resident: { runner: ExecutionRunner | null } = { runner: null };

  // One set of dependencies for every runner, built once: none of it is per execution (the
  // callbacks take the runner). A literal per execution made a new map for V8 each time, and
  // its field types, generalised anew, threw away the optimised code of the runner's hot
  // path at an execution's start (docs/performance.md, Fifth round).
  const deps: RunnerDeps = {
    store,
    queue: ctx.queue,
    bus: ctx.bus,
    clock,
    logger,
    config,
    actions: ctx.actions,
    logs: ctx.logs,
    subWorkflow: (owner) =>
      createSubWorkflowAction({
        max_depth: config.limits.max_workflow_depth,
        max_descendants: config.limits.max_descendants,
        countDescendants: (rootId) => store.executions.countDescendants(rootId),
        exclusive: descendantLock,
        getRecord: (id) => store.executions.getExecution(id),
        adoptionFloor: (unitCtx) => {
          const unit = unitOf(owner.state, unitCtx.task_id, itemOfContext(unitCtx));
          return unit?.error?.type === 'INTERRUPTED' ? unit.attempt_base : null;
        },
        failedTaskOf: async (record) => {
          // The terminal event is among the last few (a checkpoint may follow it).
          const tail = await store.executions.readEvents(record.id, Math.max(0, record.last_seq - 4));
          const failed = tail.findLast((event) => event.event_type === 'workflow_failed');
          return failed?.event_type === 'workflow_failed' ? (failed.data.task_id ?? null) : null;
        },
        startChild: hooks.startChild,
        waitForCompletion: (id) => hooks.waitForCompletion(id),
        cancel: (id) => hooks.control(id, 'cancel'),
        terminate: (id) => hooks.control(id, 'terminate'),
        adopt: (id) => owner.children.add(id),
      }),
    onTerminal: (done) => {
      // Its final state stays readable without a refold (it changes only if revived).
      if (runners.get(done.id) === done) resident.runner = folds.put(done.id, { plan: done.plan, state: done.state }) ? done : null;
      runners.delete(done.id);
      if (limited.delete(done.id)) hooks.slotFreed();
      ownership?.released(done.id, true);
      hooks.wake(done.id);
    },
    onDormant: (owner, dormant) => {
      // Waiting for a signal, an approval or a time holds no slot. A woken execution was
      // admitted already: it takes its slot back at once, even past the limit, rather
      // than queue behind executions that never started.
      if (owner.record.parent_execution_id !== null || runners.get(owner.id) !== owner) return;
      if (!dormant) limited.add(owner.id);
      else if (limited.delete(owner.id)) hooks.slotFreed();
    },
    onBroken: (broken) => {
      // On one node the execution waits for a restart; in a cluster the lease goes back
      // so a node (this one, once healthy) carries it on from its events.
      if (!ownership || runners.get(broken.id) !== broken) return;
      runners.delete(broken.id);
      limited.delete(broken.id);
      void leave(ctx, broken);
      ownership.released(broken.id, false);
    },
    onCheckpointTick: (owner) => {
      void hooks.createCheckpoint(owner.id).catch((error: unknown) => logger.warn('automatic checkpoint failed', { execution_id: owner.id, error: String(error) }));
    },
  };

  function make(record: ExecutionRecord, wf: LoadedWorkflow, custom: Record<string, unknown>): ExecutionRunner {
    const state = initialState(wf.plan, record.id, wf.record.id);
    const decideCtx = new RunnerDecideContext(wf.plan, config, ctx.render, ctx.env, custom, ctx.random);
    const packDir = config.packs_dir === null ? undefined : join(config.packs_dir, wf.record.pack_ref);
    return new ExecutionRunner(deps, record, wf.record, wf.plan, state, decideCtx, packDir);
  }

  async function load(record: ExecutionRecord, reads?: PendingReads): Promise<ExecutionRunner> {
    // Independent reads: on PostgreSQL they go out on the pool together, one round trip.
    const [wf, custom, events] = await Promise.all([
      workflows.byId(record.workflow_id),
      reads?.custom ?? store.executions.loadState(record.id),
      reads?.events ?? store.executions.readEvents(record.id),
    ]);
    // The action versions it pinned at its start, loaded before any of its tasks is dispatched.
    const [first] = events;
    if (first?.event_type === 'workflow_started') await ctx.actions.warm?.(record.id, first.data.action_versions);
    const runner = make(record, wf, custom);
    const folded = foldAll(wf.plan, record.id, wf.record.id, events);
    Object.assign(runner.state, folded);
    // Stored events hold secret inputs masked; tasks get the real ones while this process knows them.
    runner.state.input = ctx.secretInputs.restore(record.id, runner.state.input);
    return runner;
  }

  return {
    make,
    load,
    async view(id) {
      const active = runners.get(id);
      if (active) return { runner: active, record: currentRecord(active, clock.now()) };
      const record = await getExecutionRecord(ctx, id);
      return { runner: await load(record), record };
    },
    async read(id) {
      const active = runners.get(id);
      if (active) return { plan: active.plan, state: active.state, record: currentRecord(active, clock.now()) };
      const record = await getExecutionRecord(ctx, id);
      // A runner may have started it (a queued execution) while the row was being read.
      const now = runners.get(id);
      if (now) return { plan: now.plan, state: now.state, record: currentRecord(now, clock.now()) };
      return { ...(await folds.get(record)), record };
    },
    forget(ids) {
      folds.forget(ids);
      ctx.bus.announceGone(ids);
      if (resident.runner !== null && ids.includes(resident.runner.id)) resident.runner = null;
    },
  };
}
