import type { EngineContext } from './engine-context.js';
import type { ExecutionLauncher } from './execution-launcher.js';
import type { RunnerFactory } from './runner-factory.js';
import { isTerminalExecution } from './state.js';
import { leave } from './leave-runner.js';
import type { WorkflowCache } from './workflow-cache.js';

/** Carries unfinished executions on from their events: all of them on one node, one by one in a cluster. */
export interface ExecutionRecovery {
  /** Single node: recovers every unfinished execution and queues the ones never started. */
  recoverUnfinished(): Promise<void>;
  /** Cluster: carries on one execution whose lease was just claimed; false when there is nothing to do. */
  adopt(id: string): Promise<boolean>;
  /** Cluster: stops driving an execution without writing anything. */
  relinquish(id: string): Promise<void>;
}

/** Creates the engine's recovery of unfinished executions. */
export function createExecutionRecovery(
  ctx: EngineContext,
  workflows: WorkflowCache,
  runnerFactory: RunnerFactory,
  launcher: Pick<ExecutionLauncher, 'activate'>,
): ExecutionRecovery {
  const { store, clock, logger, runners, limited, waiting } = ctx;
  const adopting = new Map<string, Promise<boolean>>();
  // The adoption running now for an execution; `dropped` once it was let go meanwhile.
  const current = new Map<string, { dropped: boolean }>();
  return {
    async recoverUnfinished() {
      const unfinished = await store.executions.listUnfinished();
      for (const record of unfinished) {
        if (runners.has(record.id)) continue;
        if (record.last_seq === 0) {
          if (!waiting.includes(record.id)) waiting.push(record.id);
          continue;
        }
        try {
          const runner = await runnerFactory.load(record);
          runners.set(record.id, runner);
          if (record.parent_execution_id === null) limited.add(record.id);
          await runner.process({ kind: 'recover', at: clock.now() });
          runner.armTimers();
        } catch (error) {
          logger.error('could not recover an execution', { execution_id: record.id, error: String(error) });
        }
      }
    },
    adopt(id) {
      // One adoption per execution at a time: a claim and a renewal can both hand over the
      // same lease, and two runners would each start (or recover) it. A request made while
      // one runs is answered once that one settles: by the runner it left driving, or, if
      // none is (its first write failed), by another adoption.
      const before = adopting.get(id);
      const adoption: Promise<boolean> = before
        ? before.then(() => runners.has(id), () => false).then((driving) => driving || adoptTracked(id))
        : adoptTracked(id);
      adopting.set(id, adoption);
      const settled = (): void => {
        if (adopting.get(id) === adoption) adopting.delete(id);
      };
      adoption.then(settled, settled);
      return adoption;
    },
    async relinquish(id) {
      // Let go while it is still being carried on (the lease lapsed during the history's
      // read): the adoption stops before it runs anything, or its runner goes once it
      // settles. Otherwise it would go on driving what this node gave up, its tasks beside
      // the new owner's.
      const attempt = runners.has(id) ? undefined : current.get(id);
      if (attempt) {
        attempt.dropped = true;
        await adopting.get(id)?.catch(() => false);
      }
      const runner = runners.get(id);
      if (!runner) return;
      runners.delete(id);
      limited.delete(id);
      await leave(ctx, runner);
    },
  };

  async function adoptTracked(id: string): Promise<boolean> {
    const attempt = { dropped: false };
    current.set(id, attempt);
    try {
      return await adoptOnce(id, attempt);
    } finally {
      if (current.get(id) === attempt) current.delete(id);
    }
  }

  async function adoptOnce(id: string, attempt: { dropped: boolean }): Promise<boolean> {
    const leaving = ctx.leaving.get(id);
    if (leaving) await leaving;
    if (ctx.stopping || runners.has(id)) return false;
    // The history and custom state are read alongside the row rather than after it: one
    // round trip, not three. The node has just claimed the lease, so nobody writes meanwhile.
    const reads = { events: store.executions.readEvents(id), custom: store.executions.loadState(id) };
    reads.events.catch(() => undefined);
    reads.custom.catch(() => undefined);
    const record = await store.executions.getExecution(id);
    if (!record || isTerminalExecution(record.status) || attempt.dropped) return false;
    const top = record.parent_execution_id === null;
    if (top) limited.add(id);
    try {
      if (record.last_seq === 0) {
        // Its custom state is already read (above): not read again.
        const wf = await workflows.byId(record.workflow_id);
        const custom = await reads.custom;
        if (attempt.dropped) {
          if (top) limited.delete(id);
          return false;
        }
        const started = await launcher.activate(record, wf, false, undefined, custom);
        return runners.get(id) === started;
      }
      const runner = await runnerFactory.load(record, reads);
      if (ctx.stopping || runners.has(id) || attempt.dropped) {
        if (top && !runners.has(id)) limited.delete(id);
        return false;
      }
      runners.set(id, runner);
      await runner.process({ kind: 'recover', at: clock.now() });
      runner.armTimers();
      // False when it ended in its recovery step, or its first write failed and it gave up.
      return runners.get(id) === runner;
    } catch (error) {
      if (!runners.has(id)) limited.delete(id);
      throw error;
    }
  }
}
