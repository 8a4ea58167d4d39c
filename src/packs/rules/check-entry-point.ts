/** ACTION_ENTRY_POINT_MISSING: an action's entry point must exist inside actions/. */
import type { ActionDef } from '../../core/model.js';
import type { Rule } from './rule-context.js';

/** shell and node actions need an entry_point file next to their metadata. */
export const checkEntryPoint: Rule = (ctx) => {
  const { file } = ctx;
  const body = file.body as ActionDef | null;
  if (file.loaded.kind !== 'action' || !body || typeof file.raw !== 'object' || file.raw === null) return;
  const raw = file.raw as Record<string, unknown>;
  if (body.entry_point === undefined) {
    if ((raw['runner'] === 'shell' || raw['runner'] === 'node') && !('entry_point' in raw)) {
      ctx.report({
        code: 'SCHEMA_REQUIRED',
        pointer: '',
        message: `missing required key 'entry_point' in action: a ${String(raw['runner'])} action runs a file from actions/`,
      });
    }
    return;
  }
  if (file.entryPointExists === false) {
    ctx.report({
      code: 'ACTION_ENTRY_POINT_MISSING',
      pointer: '/entry_point',
      message: `entry_point '${body.entry_point}' does not exist in the pack's actions/ folder`,
      hint: `add actions/${body.entry_point}, or fix the file name`,
    });
  }
};
