import { describe, it, expect } from 'vitest';
import { PACK_YAML, codesAt, validateTree, validateWorkflow } from '../pack-tree.js';

describe('checkDefaults()', () => {
  it('reports a default of the wrong type and one outside the enum', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'input:', '  n: { type: integer, default: "two" }', '  e: { type: string, enum: [a, b], default: c }', 'tasks:', '  t: { action: core.noop }', ''].join('\n'),
    );
    expect(codesAt(diags)).toEqual(['INPUT_DEFAULT_INVALID@3', 'INPUT_DEFAULT_INVALID@4']);
    expect(diags[0]?.message).toBe("default of input 'n' is 'two', which is not of type integer");
  });

  it('reports both problems when a default has the wrong type and is outside the enum', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'input:', '  n: { type: integer, enum: [1, 2], default: x }', 'tasks:', '  t: { action: core.noop }', ''].join('\n'));
    expect(codesAt(diags)).toEqual(['INPUT_DEFAULT_INVALID@3', 'INPUT_DEFAULT_INVALID@3']);
  });

  it('checks template and action parameters too', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/templates/t.yaml': 'version: 1.0.0\nparameters:\n  p: { type: boolean, default: 3 }\nworkflow:\n  tasks:\n    a: { action: core.noop }\n',
      'demo/actions/act.yaml': 'runner: shell\nentry_point: act.sh\nparameters:\n  q: { type: array, default: {} }\n',
      'demo/actions/act.sh': '#!/bin/sh\n',
    });
    expect(diags.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      'demo/actions/act.yaml:4 INPUT_DEFAULT_INVALID',
      'demo/templates/t.yaml:3 INPUT_DEFAULT_INVALID',
    ]);
  });
});
