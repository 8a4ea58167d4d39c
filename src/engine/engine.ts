/**
 * The durable execution engine: starts executions, drives them through runners,
 * recovers unfinished ones from their events, and exposes the operator controls.
 * This file only wires the parts together; each lives in its own module.
 */
import { createCompletionWaiters } from './completion-waiters.js';
import type { Engine, EngineOptions } from './engine-api.js';
import { createEngineContext } from './engine-context.js';
import { createExecutionCheckpoints } from './execution-checkpoints.js';
import { createControlApplier } from './execution-controls.js';
import { createExecutionLauncher } from './execution-launcher.js';
import { createExecutionQueries } from './execution-queries.js';
import { createExecutionRecovery } from './execution-recovery.js';
import { createExecutionScheduler } from './execution-scheduler.js';
import { createExecutionWaits } from './execution-waits.js';
import { createRunnerFactory } from './runner-factory.js';
import { createWorkflowCache } from './workflow-cache.js';

/**
 * Creates the engine.
 * @example
 * const engine = createEngine({ store, actions: createActionRegistry({ packs }) });
 * await engine.start();
 * const run = await engine.startExecution({ workflow_ref: 'demo.pipeline', input: {} });
 * const done = await engine.waitForCompletion(run.id);
 */
export function createEngine(options: EngineOptions): Engine {
  const ctx = createEngineContext(options);
  const workflows = createWorkflowCache(ctx.store);
  const waiters = createCompletionWaiters(ctx);
  // Runners call back into parts created below; the hooks only run once executions do.
  const runnerFactory = createRunnerFactory(ctx, workflows, {
    startChild: (child) => launcher.launch({ workflow_ref: child.workflow_ref, input: child.input, parent: child.parent }, { id: child.id }),
    waitForCompletion: waiters.waitForCompletion,
    control: (id, kind) => control(id, kind),
    createCheckpoint: (id) => checkpoints.createCheckpoint(id),
    wake: waiters.wake,
    slotFreed: () => void scheduler.pump(),
  });
  const launcher = createExecutionLauncher(ctx, workflows, runnerFactory, waiters.wake);
  const scheduler = createExecutionScheduler(ctx, workflows, launcher);
  const recovery = createExecutionRecovery(ctx, workflows, runnerFactory, launcher);
  const control = createControlApplier(ctx, runnerFactory, waiters.wake);
  const checkpoints = createExecutionCheckpoints(ctx, workflows, runnerFactory, launcher);
  const { runners, limited, config } = ctx;
  // The records the API answers are masked as the store holds them (as the queries are:
  // execution-queries.ts); the runners' own hooks above take the real ones.
  const masked = async <T>(pending: Promise<T>): Promise<T> => ctx.secrets.maskShared(await pending);

  return {
    bus: ctx.bus,
    secrets: ctx.secrets,
    config,
    async start() {
      ctx.stopping = false;
      // A cluster node's claim loop hands executions over one by one (adopt).
      if (ctx.ownership) return;
      await recovery.recoverUnfinished();
      await scheduler.pump();
    },
    async stop() {
      ctx.stopping = true;
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
      await ctx.queue.drain();
      await ctx.logs.flush();
      runners.clear();
      limited.clear();
      ctx.waiting.length = 0;
    },
    startExecution: (opts) =>
      masked(launcher.launch(opts, {
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        startData: {
          ...(opts.trigger ? { trigger: opts.trigger } : {}),
          ...(opts.request_fingerprint !== undefined ? { request_fingerprint: opts.request_fingerprint } : {}),
        },
      })),
    ...createExecutionQueries(ctx, runnerFactory),
    pause: (id, cascade) => masked(control(id, 'pause', undefined, cascade?.by_parent)),
    resume: (id, cascade) => masked(control(id, 'resume', undefined, cascade?.by_parent)),
    cancel: (id) => masked(control(id, 'cancel')),
    terminate: (id) => masked(control(id, 'terminate')),
    retry: (id) => masked(control(id, 'retry_execution')),
    rerunFrom: (id, taskId) => masked(control(id, 'rerun', taskId)),
    skipTask: (id, taskId) => masked(control(id, 'skip', taskId)),
    ...checkpoints,
    ...createExecutionWaits(ctx, runnerFactory),
    waitForCompletion: (id) => masked(waiters.waitForCompletion(id)),
    adopt: recovery.adopt,
    relinquish: recovery.relinquish,
    forget: (ids) => runnerFactory.forget(ids),
    driving: () => [...runners.keys()],
    whenIdle: (id) => runners.get(id)?.whenIdle() ?? Promise.resolve(),
    capacity: () => Math.max(0, config.max_concurrent_workflows - limited.size),
  };
}
