/**
 * What the fire runners of one process share about one store. A node has several runners
 * (the scheduler's, the schedule service's for trigger-now and backfill): each decided its
 * overlap policy alone — "nothing of this schedule runs" — so two fires carried out at the
 * same moment both started under `skip`, and a runner adopted as an orphan a fire another
 * runner of the same process was still carrying out. Fires of one trigger are decided one
 * at a time per process here; between nodes, fire-runner.ts counts the older fires still
 * `starting` as running.
 */

/** The coordination the runners of one store share in this process. */
export interface FireCoordinator {
  /** Keys (`trigger@scheduled_at`) of the fires this process is carrying out now: never adopted as orphans. */
  readonly inFlight: Set<string>;
  /** Runs `fn` once every earlier call for `triggerId` has finished, so overlap decisions see each other's executions. */
  serialise<T>(triggerId: string, fn: () => Promise<T>): Promise<T>;
}

const byStore = new WeakMap<object, FireCoordinator>();

/** The coordinator of `store` in this process, created on first use. */
export function fireCoordinatorOf(store: object): FireCoordinator {
  let coordinator = byStore.get(store);
  if (!coordinator) {
    coordinator = createFireCoordinator();
    byStore.set(store, coordinator);
  }
  return coordinator;
}

function createFireCoordinator(): FireCoordinator {
  const tails = new Map<string, Promise<void>>();
  return {
    inFlight: new Set(),
    serialise(triggerId, fn) {
      const run = (tails.get(triggerId) ?? Promise.resolve()).then(fn);
      const tail = run.then(
        () => undefined,
        () => undefined,
      );
      tails.set(triggerId, tail);
      void tail.then(() => {
        if (tails.get(triggerId) === tail) tails.delete(triggerId);
      });
      return run;
    },
  };
}
