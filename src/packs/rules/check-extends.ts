/** TEMPLATE_UNKNOWN_PARENT, TEMPLATE_EXTENDS_CYCLE and the parent's pack dependency. */
import type { TemplateDef } from '../../core/model.js';
import { didYouMean } from '../../core/suggest.js';
import { checkDependency } from './check-actions.js';
import type { PackIndex, Rule } from './rule-context.js';

/** The chain `[ref, parent, grandparent, ...]`; `cycle` is set when it loops back. */
export function extendsChain(index: PackIndex, ref: string): { chain: string[]; cycle: boolean; missing: string | null } {
  const chain = [ref];
  for (;;) {
    const current = index.templates.get(chain[chain.length - 1] ?? '');
    const parent = (current?.body as TemplateDef | null | undefined)?.extends;
    if (parent === undefined) return { chain, cycle: false, missing: null };
    if (chain.includes(parent)) return { chain: [...chain, parent], cycle: true, missing: null };
    if (!index.templates.has(parent)) return { chain, cycle: false, missing: parent };
    chain.push(parent);
  }
}

/** extends names an existing template of a declared pack, without cycles. */
export const checkExtends: Rule = (ctx) => {
  const { file, index } = ctx;
  const body = file.body as TemplateDef | null;
  if (file.loaded.kind !== 'template' || !body || body.extends === undefined || !file.ref) return;
  const parent = body.extends;
  if (!index.templates.has(parent)) {
    if (index.known.templates.has(parent)) {
      checkDependency(ctx, parent, '/extends', 'template');
      return;
    }
    const hint = didYouMean(parent, [...index.templates.keys(), ...index.known.templates]);
    ctx.report({
      code: 'TEMPLATE_UNKNOWN_PARENT',
      pointer: '/extends',
      message: `extends names unknown template '${parent}'`,
      ...(hint ? { hint } : {}),
    });
    return;
  }
  const { chain, cycle } = extendsChain(index, file.ref);
  if (cycle && chain[chain.length - 1] === file.ref) {
    ctx.report({
      code: 'TEMPLATE_EXTENDS_CYCLE',
      pointer: '/extends',
      message: `templates extend each other in a cycle: ${chain.join(' → ')}`,
      hint: 'remove extends from one of them',
    });
    return;
  }
  checkDependency(ctx, parent, '/extends', 'template');
};
