import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree } from './pack-tree.js';

const ODD: Record<string, string> = {
  list_root: '- a\n- b\n',
  scalar_root: 'just text\n',
  tasks_scalar: 'version: 1\ntasks: 3\n',
  tasks_null: 'version: 1\ntasks:\n',
  task_null: 'version: 1\ntasks:\n  a:\n',
  list_items_odd: 'version: 1\ntasks:\n  - 3\n  - { action: core.noop }\n  - { id: 5, action: core.noop }\n',
  depends_odd: 'version: 1\ntasks:\n  a: { action: core.noop, depends_on: [1, null, a] }\n',
  input_odd: 'version: 1\ninput: [a]\ncontext: 3\noutput: x\ntasks:\n  a: { action: 7, input: "${x}", condition: 5, retry: 3 }\n',
  expr_odd: 'version: 1\ntasks:\n  a: { action: core.echo, input: { a: "${}", b: "${ tasks }", c: "${tasks[input.x].output}", d: "$${literal}" } }\n',
  handlers_odd: 'version: 1\ntasks:\n  a: { action: core.noop, on_error: a }\nerror_handlers: [3, { handler: 4 }]\n',
};

describe('validateLoadedPacks() on odd input', () => {
  for (const [name, text] of Object.entries(ODD)) {
    it(`reports errors without throwing for ${name}`, async () => {
      const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, [`demo/workflows/${name}.yaml`]: text, [`demo/templates/${name}.yaml`]: text, [`demo/actions/${name}.yaml`]: text });
      expect(diags.some((d) => d.severity === 'error')).toBe(true);
      expect(diags.every((d) => d.line >= 0 && typeof d.message === 'string' && !d.message.includes('undefined'))).toBe(true);
    });
  }
});
