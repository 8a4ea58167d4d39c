/** PACK_REF_MISMATCH and PACK_UNKNOWN_DEPENDENCY on pack.yaml. */
import { didYouMean } from '../../core/suggest.js';
import type { Rule } from './rule-context.js';

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
