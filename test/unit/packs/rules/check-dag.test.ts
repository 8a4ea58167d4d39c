import { describe, it, expect } from 'vitest';
import { codesAt, validateWorkflow } from '../pack-tree.js';

describe('checkDag()', () => {
  it('reports an unknown dependency with the nearest task as a hint', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'tasks:', '  test:', '    action: core.noop', '  deploy:', '    action: core.noop', '    depends_on: [tset]', ''].join('\n'),
    );
    expect(diags).toMatchObject([
      { code: 'DAG_UNKNOWN_DEPENDENCY', line: 7, column: 18, pointer: '/tasks/deploy/depends_on/0', hint: "did you mean 'test'?" },
    ]);
    expect(diags[0]?.message).toBe("unknown task 'tset' in depends_on of task 'deploy'");
  });

  it('reports a task that depends on itself', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', '    depends_on: [a]', ''].join('\n'));
    expect(codesAt(diags)).toEqual(['DAG_SELF_DEPENDENCY@5']);
  });

  it('reports a cycle once with its path and every edge as related', async () => {
    const diags = await validateWorkflow(
      [
        'version: 1.0.0',
        'tasks:',
        '  a:',
        '    action: core.noop',
        '    depends_on: [c]',
        '  b:',
        '    action: core.noop',
        '    depends_on: [a]',
        '  c:',
        '    action: core.noop',
        '    depends_on: [b]',
        '',
      ].join('\n'),
    );
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'DAG_CYCLE', message: expect.stringContaining('a → c → b → a') });
    expect(diags[0]?.related?.map((r) => r.line).sort((x, y) => x - y)).toEqual([5, 8, 11]);
  });

  it('reports every cycle of a workflow, not just the first', async () => {
    const diags = await validateWorkflow(
      [
        'version: 1.0.0',
        'tasks:',
        '  a: { action: core.noop, depends_on: [b] }',
        '  b: { action: core.noop, depends_on: [a] }',
        '  c: { action: core.noop, depends_on: [d] }',
        '  d: { action: core.noop, depends_on: [c] }',
        '',
      ].join('\n'),
    );
    expect(diags.map((d) => d.code)).toEqual(['DAG_CYCLE', 'DAG_CYCLE']);
  });

  it('reports a repeated list-form id at the second task with the first as related', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'tasks:', '  - id: a', '    action: core.noop', '  - id: a', '    action: core.echo', ''].join('\n'),
    );
    expect(diags).toMatchObject([{ code: 'DAG_DUPLICATE_TASK', line: 5, pointer: '/tasks/1/id', related: [{ line: 3 }] }]);
  });
});
