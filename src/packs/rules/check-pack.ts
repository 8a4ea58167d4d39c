/** PACK_REF_MISMATCH, PACK_UNKNOWN_DEPENDENCY and PACK_DEPENDENCY_CYCLE on pack.yaml. */
import { didYouMean } from '../../core/suggest.js';
import type { PackIndex, Rule } from './rule-context.js';

// The shortest way back to `start` through the dependencies of packs in the tree, or null.
function cycleFrom(start: string, index: PackIndex): string[] | null {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const at = queue[head] as string;
    for (const dep of index.packs.get(at)?.manifest?.dependencies ?? []) {
      if (dep === start) {
        const path = [at];
        for (let step = at; step !== start; ) {
          step = previous.get(step) as string;
          path.unshift(step);
        }
        return [...path, start];
      }
      if (previous.has(dep) || dep === at || !index.packs.has(dep)) continue;
      previous.set(dep, at);
      queue.push(dep);
    }
  }
  return null;
}

/** pack.yaml's ref equals the directory name and every dependency is a pack. */
export const checkPack: Rule = (ctx) => {
  const { file, index } = ctx;
  const manifest = file.pack.manifest;
  if (file.loaded.kind !== 'pack' || !manifest || typeof file.raw !== 'object' || file.raw === null) return;
  const raw = file.raw as Record<string, unknown>;
  if (typeof raw['ref'] === 'string' && raw['ref'] !== file.pack.ref) {
    ctx.report({
      code: 'PACK_REF_MISMATCH',
      pointer: '/ref',
      message: `pack ref '${raw['ref']}' does not match its directory name '${file.pack.ref}'`,
      hint: `set ref: ${file.pack.ref}, or rename the directory to '${raw['ref']}'`,
    });
  }
  const cycle = cycleFrom(file.pack.ref, index);
  if (cycle && cycle.length > 2) {
    const first = manifest.dependencies.indexOf(cycle[1] as string);
    ctx.report({
      code: 'PACK_DEPENDENCY_CYCLE',
      pointer: `/dependencies/${first}`,
      message: `packs depend on each other in a cycle: ${cycle.join(' → ')}`,
      hint: 'remove one of these dependencies: no pack of a cycle can be synced before the others',
    });
  }
  const packs = [...index.packs.keys(), ...index.known.packs];
  manifest.dependencies.forEach((dep, i) => {
    if (dep === file.pack.ref) {
      ctx.report({ code: 'PACK_UNKNOWN_DEPENDENCY', pointer: `/dependencies/${i}`, message: `pack '${dep}' lists itself in dependencies` });
      return;
    }
    if (index.packs.has(dep) || index.known.packs.has(dep)) return;
    const hint = didYouMean(dep, packs);
    ctx.report({
      code: 'PACK_UNKNOWN_DEPENDENCY',
      pointer: `/dependencies/${i}`,
      message: `dependency '${dep}' is not a pack in this tree nor a registered one`,
      hint: hint ?? 'add the pack to the tree, register it first, or remove the dependency',
    });
  });
};
