/**
 * Reads by key asked for in the same turn of the event loop, answered by one statement.
 * A cluster node's claim round hands the engine up to `claim_batch` executions at once and
 * each adoption reads the row, the history and the custom state: three statements an
 * execution (600 for the 200 executions of bench/pg-row.mjs), each with its round trip,
 * parse and plan at the server and result parsing at the node. Batched, a round costs three.
 * A key asked for alone still goes as the single-key statement it always was.
 */

/** Answers `key` with the others asked for in this turn. */
export type ReadBatch<V> = (key: string) => Promise<V>;

export interface ReadBatchOptions<V> {
  /** Reads one key (the batch held just one). */
  one: (key: string) => Promise<V>;
  /** Reads many distinct keys in one statement; a key absent from the map gets `absent()`. */
  many: (keys: string[]) => Promise<Map<string, V>>;
  /** The answer for a key `many` found nothing for; called per key, so answers share no object. */
  absent: () => V;
}

interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/** A batcher over `options`; every read of a turn leaves together when the turn's microtasks run. */
export function createReadBatch<V>(options: ReadBatchOptions<V>): ReadBatch<V> {
  let pending: Map<string, Array<Waiter<V>>> | null = null;

  const flush = (batch: Map<string, Array<Waiter<V>>>): void => {
    const keys = [...batch.keys()];
    const answered =
      keys.length === 1 ? options.one(keys[0] as string).then((value) => new Map([[keys[0] as string, value]])) : options.many(keys);
    answered.then(
      (values) => {
        for (const [key, waiters] of batch) {
          const value = values.has(key) ? (values.get(key) as V) : options.absent();
          // Callers of one key in one turn get copies: none may see another's changes.
          waiters.forEach((waiter, index) => waiter.resolve(index === 0 ? value : structuredClone(value)));
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      if (pending === null) {
        const batch = new Map<string, Array<Waiter<V>>>();
        pending = batch;
        queueMicrotask(() => {
          pending = null;
          flush(batch);
        });
      }
      const waiters = pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
    });
}
