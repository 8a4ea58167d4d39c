/** Remembers recent webhook delivery ids, so a delivery replayed by the host or an attacker is ignored. */
export interface ReplayGuard {
  /** Records `id`; true when it had been recorded before (a replay). */
  isReplay(id: string): boolean;
  readonly size: number;
}

export interface ReplayGuardOptions {
  /** How many ids to remember; the least recently seen is forgotten first. @default 1000 */
  capacity?: number;
}

/**
 * A bounded LRU set of delivery ids. Bounded so a flood of distinct ids cannot grow
 * memory; a replay older than `capacity` deliveries is then accepted, which only
 * costs an idempotent re-sync.
 */
export function createReplayGuard(options: ReplayGuardOptions = {}): ReplayGuard {
  const capacity = Math.max(1, options.capacity ?? 1000);
  // A Map iterates in insertion order: deleting and re-inserting moves an id to the end.
  const seen = new Map<string, true>();
  return {
    isReplay(id) {
      const replay = seen.delete(id);
      seen.set(id, true);
      if (seen.size > capacity) {
        const oldest = seen.keys().next();
        if (!oldest.done) seen.delete(oldest.value);
      }
      return replay;
    },
    get size() {
      return seen.size;
    },
  };
}
