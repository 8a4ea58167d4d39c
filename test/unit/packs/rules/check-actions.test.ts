import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree, validateWorkflow } from '../pack-tree.js';

const task = (body: string) => ['version: 1.0.0', 'tasks:', `  a: ${body}`, ''].join('\n');

describe('checkActions()', () => {
  it('reports an unknown action with the nearest one as a hint', async () => {
    const diags = await validateWorkflow(task('{ action: core.ecko }'));
    expect(diags).toMatchObject([{ code: 'ACTION_UNKNOWN', line: 3, hint: "did you mean 'core.echo'?", pointer: '/tasks/a/action' }]);
  });

  it('tells to use core.workflow when action names a workflow', async () => {
    const diags = await validateWorkflow(task('{ action: demo.other }'), { 'demo/workflows/other.yaml': task('{ action: core.noop }') });
    expect(diags).toMatchObject([{ code: 'ACTION_IS_WORKFLOW', message: expect.stringContaining('core.workflow') }]);
  });

  it('warns about a component that is not registered and accepts a registered one', async () => {
    const files = { 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': task('{ component: deployer, action: rollout }') };
    expect(await validateTree(files)).toMatchObject([{ code: 'ACTION_UNKNOWN_COMPONENT', severity: 'warning' }]);
    expect(await validateTree(files, { known: { components: new Map([['deployer', ['rollout']]]) } })).toEqual([]);
  });

  it('checks the workflow named by core.workflow', async () => {
    const diags = await validateWorkflow(task('{ action: core.workflow, input: { workflow: demo.flw } }'));
    expect(diags).toMatchObject([{ code: 'ACTION_UNKNOWN_WORKFLOW', hint: "did you mean 'demo.flow'?" }]);
  });

  it('reports an action of a pack that is not in dependencies, and accepts known refs', async () => {
    const files = {
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/flow.yaml': task('{ action: other.go }'),
      'other/pack.yaml': 'ref: other\nversion: 1.0.0\n',
      'other/actions/go.yaml': 'runner: shell\nentry_point: go.sh\n',
      'other/actions/go.sh': '#!/bin/sh\n',
    };
    expect(await validateTree(files)).toMatchObject([{ code: 'PACK_UNDECLARED_DEPENDENCY', file: 'demo/workflows/flow.yaml', line: 3 }]);
    const declared = { ...files, 'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [other]\n' };
    expect(await validateTree(declared)).toEqual([]);
  });

  it('accepts an action registered elsewhere when its pack is a dependency', async () => {
    const diags = await validateTree(
      { 'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [remote]\n', 'demo/workflows/flow.yaml': task('{ action: remote.go }') },
      { known: { packs: new Set(['remote']), actions: new Set(['remote.go']) } },
    );
    expect(diags).toEqual([]);
  });
});
