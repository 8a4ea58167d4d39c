/** Pack ref → the packs it declares in `dependencies` (from pack.yaml). */
export type PackDependencyGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The given packs plus every pack that depends on one of them, directly or through
 * others — what must be re-validated when those packs change. Sorted; cycles are fine.
 *
 * @example
 * withDependants(['core_utils'], new Map([['ci_cd', ['core_utils']]])); // ['ci_cd', 'core_utils']
 */
export function withDependants(packs: Iterable<string>, graph: PackDependencyGraph): string[] {
  const dependantsOf = new Map<string, string[]>();
  for (const [pack, dependencies] of graph) {
    for (const dependency of dependencies) {
      const list = dependantsOf.get(dependency) ?? [];
      list.push(pack);
      dependantsOf.set(dependency, list);
    }
  }
  const result = new Set<string>();
  const queue = [...packs];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (result.has(next)) continue;
    result.add(next);
    queue.push(...(dependantsOf.get(next) ?? []));
  }
  return [...result].sort();
}
