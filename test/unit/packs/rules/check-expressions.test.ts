import { describe, it, expect } from 'vitest';
import { PACK_YAML, codesAt, validateTree, validateWorkflow } from '../pack-tree.js';

const wf = (...lines: string[]) => ['version: 1.0.0', ...lines, ''].join('\n');

describe('checkExpressions()', () => {
  it('reports a syntax error at the line of the string and the column of the problem', async () => {
    const diags = await validateWorkflow(wf('tasks:', '  a:', '    action: core.echo', '    input: { x: "${1 +}" }'));
    expect(diags).toMatchObject([{ code: 'EXPR_SYNTAX', line: 5, pointer: '/tasks/a/input/x' }]);
    expect(diags[0]?.column).toBeGreaterThan(20);
  });

  it('reports an unclosed expression', async () => {
    const diags = await validateWorkflow(wf('tasks:', '  a:', '    action: core.echo', '    input:', '      x: "value ${input.y"'));
    expect(diags).toMatchObject([{ code: 'EXPR_SYNTAX', line: 6, message: expect.stringContaining('unclosed') }]);
  });

  it('reports an unknown function with the nearest one as a hint', async () => {
    const diags = await validateWorkflow(wf('tasks:', '  a:', '    action: core.echo', '    input: { x: "${lenght(\'ab\')}" }'));
    expect(diags).toMatchObject([{ code: 'EXPR_UNKNOWN_FUNCTION', hint: "did you mean 'length'?" }]);
  });

  it('reports an unknown task with a hint', async () => {
    const diags = await validateWorkflow(
      wf('tasks:', '  build:', '    action: core.noop', '  b:', '    action: core.echo', '    depends_on: [build]', '    input: { x: "${tasks.biuld.output}" }'),
    );
    expect(diags).toMatchObject([{ code: 'EXPR_UNKNOWN_TASK', line: 8, hint: "did you mean 'build'?" }]);
  });

  it('reports a read of a task that is not upstream, in input and condition', async () => {
    const diags = await validateWorkflow(
      wf(
        'tasks:',
        '  a:',
        '    action: core.noop',
        '  b:',
        '    action: core.noop',
        '  c:',
        '    action: core.echo',
        '    depends_on: [a]',
        '    condition: "${tasks.b.status == \'completed\'}"',
        '    input: { x: "${tasks.a.output.x} ${tasks.b.output.y}" }',
      ),
    );
    expect(codesAt(diags)).toEqual(['EXPR_NOT_UPSTREAM@10', 'EXPR_NOT_UPSTREAM@11']);
  });

  it('accepts transitive upstream reads, bracket access and reads from the output', async () => {
    const diags = await validateWorkflow(
      wf(
        'tasks:',
        '  a: { action: core.noop }',
        '  b: { action: core.noop, depends_on: [a] }',
        '  c: { action: core.echo, depends_on: [b], input: { x: "${tasks[\'a\'].output.x}" } }',
        '  lone: { action: core.noop }',
        'output: { y: "${tasks.lone.output}" }',
      ),
    );
    expect(diags).toEqual([]);
  });

  it('lets an on_error handler read the failed task and its upstream', async () => {
    const diags = await validateWorkflow(
      wf(
        'tasks:',
        '  a: { action: core.noop }',
        '  b: { action: core.noop, depends_on: [a], on_error: h }',
        '  h: { action: core.echo, input: { m: "${tasks.b.error.message} ${tasks.a.output.x}" } }',
      ),
    );
    expect(diags).toEqual([]);
  });

  it('reports undeclared inputs and context keys with hints', async () => {
    const diags = await validateWorkflow(
      wf(
        'input:',
        '  environment: { type: string }',
        'context:',
        '  region: eu',
        'tasks:',
        '  a: { action: core.echo, input: { x: "${input.enviroment}", y: "${context.regoin}" } }',
      ),
    );
    expect(diags.map((d) => [d.code, d.hint])).toEqual([
      ['EXPR_UNKNOWN_INPUT', "did you mean 'environment'?"],
      ['EXPR_UNKNOWN_CONTEXT', "did you mean 'region'?"],
    ]);
  });

  it('warns of param.* in a workflow (a template body) and reports unknown namespaces, never env.*', async () => {
    const diags = await validateWorkflow(wf('tasks:', '  a: { action: core.echo, input: { x: "${param.p}", y: "${inputs.z}", z: "${env.ANY}" } }'));
    expect(diags.map((d) => [d.code, d.severity])).toEqual([
      ['WORKFLOW_TEMPLATE_PARAMS', 'warning'],
      ['EXPR_UNKNOWN_NAMESPACE', 'error'],
    ]);
  });

  it('allows item only inside a task with with_items', async () => {
    const diags = await validateWorkflow(
      wf(
        'input: { list: { type: array } }',
        'tasks:',
        '  a: { action: core.echo, with_items: "${input.list}", input: { x: "${item}" } }',
        '  b: { action: core.echo, input: { x: "${item_index}" } }',
      ),
    );
    expect(codesAt(diags)).toEqual(['EXPR_UNKNOWN_NAMESPACE@5']);
  });

  it('checks template parameters through the extends chain', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/templates/base.yaml': wf('parameters: { a: { type: string } }', 'workflow:', '  tasks:', '    t: { action: core.echo, input: { x: "${param.a}" } }'),
      'demo/templates/child.yaml': wf(
        'extends: demo.base',
        'parameters: { b: { type: string } }',
        'workflow:',
        '  tasks:',
        '    u: { action: core.echo, depends_on: [t], input: { x: "${param.a} ${param.b} ${param.c} ${tasks.t.output}" } }',
      ),
    });
    expect(diags).toMatchObject([{ code: 'EXPR_UNKNOWN_PARAM', file: 'demo/templates/child.yaml', line: 6 }]);
  });
});

describe('checkExpressions() task fields', () => {
  it('reports a task field other than output, status or error', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', '  b: { action: core.echo, depends_on: [a], input: { x: "${tasks.a.ouput.x}" } }', ''].join('\n'),
    );
    expect(diags).toMatchObject([{ code: 'EXPR_UNKNOWN_TASK_FIELD', severity: 'error', hint: "did you mean 'output'?" }]);
  });
});

describe('checkExpressions() sandbox', () => {
  it('reports access to a forbidden name', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'tasks:', '  a: { action: core.echo, input: { x: "${input.constructor}" } }', ''].join('\n'));
    expect(diags).toMatchObject([{ code: 'EXPR_FORBIDDEN', line: 3 }]);
  });
});
