import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { formatText } from '../../../src/cli/format/text.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';
import { removeTree, validateTree, writeTree } from './pack-tree.js';

// One typo for each check that suggests a near name.
const TYPOS = {
  'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lbi]\n',
  'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
  'demo/actions/go.yaml': 'runner: http\nparameters:\n  url: { type: string }\n',
  'demo/templates/base.yaml': 'version: 1.0.0\nworkflow:\n  tasks:\n    a: { action: core.noop }\n',
  'demo/templates/child.yaml': 'version: 1.0.0\nextends: demo.bsae\n',
  'demo/workflows/flow.yaml': [
    'version: 1.0.0',
    'input: { environment: { type: string } }',
    'context: { region: eu }',
    'taks: {}',
    'tasks:',
    '  build: { action: demo.og }',
    '  test: { action: demo.go, input: { ulr: x }, on_error: buidl }',
    '  run: { action: core.workflow, input: { workflow: demo.flwo } }',
    '  deploy:',
    '    action: core.echo',
    '    depends_on: [tset, build]',
    '    input:',
    '      a: "${input.enviroment} ${context.regoin} ${tasks.biuld.output} ${tasks.build.ouput}"',
    '      b: "${inputs.x}"',
    '      c: "${lenght(input.environment)}"',
    '',
  ].join('\n'),
};

describe('"did you mean" hints', () => {
  it('are carried by hint, never repeated in the message', async () => {
    const diags = await validateTree(TYPOS);
    const suggested = diags.filter((d) => d.hint?.startsWith('did you mean'));
    expect(suggested.map((d) => d.code).sort()).toEqual([
      'ACTION_UNKNOWN',
      'ACTION_UNKNOWN_WORKFLOW',
      'DAG_UNKNOWN_DEPENDENCY',
      'EXPR_UNKNOWN_CONTEXT',
      'EXPR_UNKNOWN_FUNCTION',
      'EXPR_UNKNOWN_INPUT',
      'EXPR_UNKNOWN_NAMESPACE',
      'EXPR_UNKNOWN_TASK',
      'EXPR_UNKNOWN_TASK_FIELD',
      'HANDLER_UNKNOWN_TASK',
      'PACK_UNKNOWN_DEPENDENCY',
      'SCHEMA_UNKNOWN_KEY',
      'TASK_INPUT_UNKNOWN_PARAMETER',
      'TEMPLATE_UNKNOWN_PARENT',
    ]);
    expect(diags.filter((d) => /did you mean/i.test(d.message))).toEqual([]);
  });

  it('appear once per diagnostic in the text report', async () => {
    const root = await writeTree(TYPOS);
    try {
      const { diagnostics } = await runPipeline([path.join(root, 'packs')]);
      const hints = diagnostics.filter((d) => d.hint?.startsWith('did you mean')).length;
      expect(hints).toBeGreaterThan(10);
      expect(formatText(diagnostics).match(/did you mean/g)?.length).toBe(hints);
    } finally {
      await removeTree(root);
    }
  });
});
