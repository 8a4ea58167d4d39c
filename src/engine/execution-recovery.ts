import type { EngineContext } from './engine-context.js';
import type { ExecutionLauncher } from './execution-launcher.js';
import type { RunnerFactory } from './runner-factory.js';
import type { ExecutionRunner } from './runner.js';
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
  // How many times each execution was let go while adoptions of it were pending: one
  // requested before the latest let-go is dropped, whether it is running, queued behind
  // another, or has already left a runner.
  const letGo = new Map<string, number>();
  const generation = (id: string): number => letGo.get(id) ?? 0;
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
      const since = generation(id);
      const dropped = (): boolean => generation(id) !== since;
      const adoption: Promise<boolean> = before
        ? before.then(() => runners.has(id), () => false).then((driving) => (dropped() ? false : driving || adoptOnce(id, dropped)))
        : adoptOnce(id, dropped);
      adopting.set(id, adoption);
      const settled = (): void => {
        if (adopting.get(id) !== adoption) return;
        // None is left that could be dropped: the count starts over (no entry per execution ever let go).
        adopting.delete(id);
        letGo.delete(id);
      };
      adoption.then(settled, settled);
      return adoption;
    },
    async relinquish(id) {
      // Lets go of what drives it now and of every adoption asked for until now: one under
      // way (the lease lapsed during the history's read) stops before it runs anything, or
      // takes its runner away again before it settles. Only the runner there now goes: one
      // left later by an adoption asked for after this call is the new owner's (this node's
      // again), and must go on driving.
      if (adopting.has(id)) letGo.set(id, generation(id) + 1);
      const runner = runners.get(id);
      if (!runner) {
        await adopting.get(id)?.catch(() => false);
        return;
      }
      runners.delete(id);
      limited.delete(id);
      await leave(ctx, runner);
    },
  };

  async function adoptOnce(id: string, dropped: () => boolean): Promise<boolean> {
    const leaving = ctx.leaving.get(id);
    if (leaving) await leaving;
    if (ctx.stopping || runners.has(id)) return false;
    // The history and custom state are read alongside the row rather than after it: one
    // round trip, not three. The node has just claimed the lease, so nobody writes meanwhile.
    const reads = { events: store.executions.readEvents(id), custom: store.executions.loadState(id) };
    reads.events.catch(() => undefined);
    reads.custom.catch(() => undefined);
    const record = await store.executions.getExecution(id);
    if (!record || isTerminalExecution(record.status) || dropped()) return false;
    const top = record.parent_execution_id === null;
    // True while `runner` drives it. One let go while it started (the launcher's first
    // awaits come before the runner is registered) goes again here, before this adoption
    // settles: a request queued behind it reads `runners` to learn whether one drives.
    const kept = (runner: ExecutionRunner): boolean => {
      if (runners.get(id) !== runner) return false;
      if (!dropped()) return true;
      runners.delete(id);
      limited.delete(id);
      void leave(ctx, runner);
      return false;
    };
    if (top) limited.add(id);
    try {
      if (record.last_seq === 0) {
        // Its custom state is already read (above): not read again.
        const wf = await workflows.byId(record.workflow_id);
        const custom = await reads.custom;
        if (dropped()) {
          if (top) limited.delete(id);
          return false;
        }
        return kept(await launcher.activate(record, wf, false, undefined, custom));
      }
      const runner = await runnerFactory.load(record, reads);
      if (ctx.stopping || runners.has(id) || dropped()) {
        if (top && !runners.has(id)) limited.delete(id);
        return false;
      }
      runners.set(id, runner);
      await runner.process({ kind: 'recover', at: clock.now() });
      // False when it ended in its recovery step, its first write failed and it gave up, or it was let go meanwhile.
      if (!kept(runner)) return false;
      runner.armTimers();
      return true;
    } catch (error) {
      if (!runners.has(id)) limited.delete(id);
      throw error;
    }
  }
}
