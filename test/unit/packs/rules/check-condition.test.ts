import { describe, it, expect } from 'vitest';
import { codesAt, validateWorkflow } from '../pack-tree.js';

describe('checkCondition()', () => {
  it('reports a bare string condition with the expression form as a hint', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', '    condition: "1 == 1"', ''].join('\n'));
    expect(diags).toMatchObject([{ code: 'CONDITION_NOT_EXPRESSION', line: 5, hint: 'write it as "${1 == 1}"' }]);
  });

  it('reports text around the expression', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', '    condition: "yes ${1 == 1}"', ''].join('\n'));
    expect(codesAt(diags)).toEqual(['CONDITION_NOT_EXPRESSION@5']);
  });

  it('checks metadata.condition where it is written', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', '    metadata:', '      condition: plain', ''].join('\n'),
    );
    expect(diags).toMatchObject([{ code: 'CONDITION_NOT_EXPRESSION', line: 6, pointer: '/tasks/a/metadata/condition' }]);
  });
});
