import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { runPipeline } from '../../../src/packs/run-pipeline.js';
import { removeTree, writeTree } from './pack-tree.js';

const ACTION = 'runner: http\nparameters:\n  url: { type: string, required: true }\n';

async function codesFor(files: Record<string, string>, target: string): Promise<string[]> {
  const root = await writeTree(files);
  try {
    const result = await runPipeline([path.join(root, 'packs', target)]);
    return result.diagnostics.map((d) => `${path.basename(d.file)} ${d.code}`);
  } finally {
    await removeTree(root);
  }
}

describe('runPipeline() on one pack', () => {
  it('checks a task against the action of a declared dependency', async () => {
    const codes = await codesFor(
      {
        'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n',
        'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: lib.go }\n',
        'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
        'lib/actions/go.yaml': ACTION,
      },
      'demo',
    );
    expect(codes).toEqual(['flow.yaml TASK_INPUT_MISSING_PARAMETER']);
  });

  it('loads the dependencies of a dependency for a template chain across packs', async () => {
    const codes = await codesFor(
      {
        'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n',
        'demo/templates/child.yaml': 'version: 1.0.0\nextends: lib.mid\nworkflow:\n  tasks:\n    b: { action: core.echo, input: { message: "${param.region}" } }\n',
        'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\ndependencies: [base]\n',
        'lib/templates/mid.yaml': 'version: 1.0.0\nextends: base.root\n',
        'base/pack.yaml': 'ref: base\nversion: 1.0.0\n',
        'base/templates/root.yaml': 'version: 1.0.0\nparameters:\n  region: { type: string, default: eu }\nworkflow:\n  tasks:\n    a: { action: core.noop }\n',
      },
      'demo',
    );
    expect(codes).toEqual([]);
  });

  it('names an undeclared pack next to it without loading that pack', async () => {
    // Loaded, `other.go` would also miss its required input; by name it only exists.
    const codes = await codesFor(
      {
        'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\n',
        'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: other.go }\n',
        'other/pack.yaml': 'ref: other\nversion: 1.0.0\n',
        'other/actions/go.yaml': ACTION,
      },
      'demo/workflows/flow.yaml',
    );
    expect(codes).toEqual(['flow.yaml PACK_UNDECLARED_DEPENDENCY']);
  });

  it('still reports a declared dependency that is not a pack', async () => {
    const codes = await codesFor({ 'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n', 'lib/workflows/x.yaml': 'version: 1.0.0\n' }, 'demo');
    expect(codes).toEqual(['pack.yaml PACK_UNKNOWN_DEPENDENCY']);
  });
});
