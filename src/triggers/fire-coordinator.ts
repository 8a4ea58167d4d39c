/**
 * What the fire runners of one process share about one store. A node has several runners
 * (the scheduler's, the schedule service's for trigger-now and backfill): each decided its
 * overlap policy alone — "nothing of this schedule runs" — so two fires carried out at the
 * same moment both started under `skip`, and a runner adopted as an orphan a fire another
 * runner of the same process was still carrying out. Fires of one trigger are decided one
 * at a time here: in the process by a queue per trigger, and between nodes by the store's
 * lock of the trigger (TriggerRepo.exclusive: PostgreSQL's advisory lock; SQLite has one
 * engine process, so the queue is all it needs).
 */
import type { Store } from '../store/store.js';

/** The coordination the runners of one store share in this process. */
export interface FireCoordinator {
  /** Keys (`trigger@scheduled_at`) of the fires this process is carrying out now: never adopted as orphans. */
  readonly inFlight: Set<string>;
  /** Runs `fn` once every earlier call for `triggerId` has finished, here and on other nodes, so overlap decisions see each other's executions. */
  serialise<T>(triggerId: string, fn: () => Promise<T>): Promise<T>;
}

const byStore = new WeakMap<Store, FireCoordinator>();

/** The coordinator of `store` in this process, created on first use. */
export function fireCoordinatorOf(store: Store): FireCoordinator {
  let coordinator = byStore.get(store);
  if (!coordinator) {
    coordinator = createFireCoordinator(store);
    byStore.set(store, coordinator);
  }
  return coordinator;
}

function createFireCoordinator(store: Store): FireCoordinator {
  const tails = new Map<string, Promise<void>>();
  const exclusive = store.triggers.exclusive?.bind(store.triggers);
  return {
    inFlight: new Set(),
    serialise(triggerId, fn) {
      const run = (tails.get(triggerId) ?? Promise.resolve()).then(() => (exclusive ? exclusive(triggerId, fn) : fn()));
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
