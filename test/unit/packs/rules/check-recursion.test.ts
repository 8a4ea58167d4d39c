import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../pack-tree.js';

// A workflow that starts itself (directly, or through other workflows of its pack) through
// core.workflow nests executions until max_workflow_depth, unless a condition ends it:
// legitimate when bounded, so a warning, not an error.
const calling = (target: string, extra = '') => ['version: 1.0.0', 'input:', '  n: { type: integer, default: 0 }', '  next: { type: string, default: demo.flow }', 'tasks:', `  again: { action: core.workflow, input: { workflow: ${target} }${extra} }`, ''].join('\n');

describe('WORKFLOW_RECURSION', () => {
  it('warns at the task of a workflow that calls itself', async () => {
    expect(await validateWorkflow(calling('demo.flow'))).toMatchObject([
      { code: 'WORKFLOW_RECURSION', severity: 'warning', line: 6, pointer: '/tasks/again/input/workflow', message: expect.stringContaining('demo.flow → demo.flow') },
    ]);
  });

  it('warns in every workflow of a ring, naming the ring; a condition does not silence it', async () => {
    const ring = await validateWorkflow(calling('demo.second'), {
      'demo/workflows/second.yaml': calling('demo.third', ', condition: "${input.n > 0}"'),
      'demo/workflows/third.yaml': calling('demo.flow'),
    });
    expect(ring.map((d) => `${d.code} ${d.severity} ${d.file}`).sort()).toEqual([
      'WORKFLOW_RECURSION warning demo/workflows/flow.yaml',
      'WORKFLOW_RECURSION warning demo/workflows/second.yaml',
      'WORKFLOW_RECURSION warning demo/workflows/third.yaml',
    ]);
    expect(ring.find((d) => d.file.endsWith('flow.yaml'))?.message).toContain('demo.flow → demo.second → demo.third → demo.flow');
  });

  it('says nothing of a chain without a ring, nor of a ref computed by an expression', async () => {
    expect(await validateWorkflow(calling('demo.second'), { 'demo/workflows/second.yaml': calling('demo.third'), 'demo/workflows/third.yaml': ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', ''].join('\n') })).toEqual([]);
    expect(await validateWorkflow(calling('"${input.next}"'))).toEqual([]);
  });
});
