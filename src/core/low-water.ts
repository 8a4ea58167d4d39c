/**
 * Where a bounded Map-backed cache evicts down to once past its limit: seven eighths of it,
 * in one pass. Evicting one entry per insert costs more than it looks: a Map's iteration
 * first steps over the holes its deletions left, thousands once the cache is full
 * (docs/performance.md, Eighth round).
 */
export function lowWater(limit: number): number {
  return limit - Math.floor(limit / 8);
}
