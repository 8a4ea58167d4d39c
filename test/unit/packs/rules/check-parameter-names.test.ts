import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree, validateWorkflow } from '../pack-tree.js';

describe('checkParameterNames()', () => {
  it('refuses a workflow input named __proto__ at its key', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ninput:\n  __proto__: { type: string }\ntasks:\n  a: { action: core.noop }\n');
    expect(diags).toMatchObject([
      { code: 'PARAMETER_NAME_INVALID', severity: 'error', line: 3, column: 3, message: "input name '__proto__' is reserved; names must not be __proto__, constructor or prototype" },
    ]);
  });

  it('refuses a template parameter named __proto__', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/templates/tpl.yaml': 'version: 1.0.0\nparameters:\n  __proto__:\n    type: string\nworkflow:\n  tasks:\n    a: { action: core.noop }\n',
    });
    expect(diags).toMatchObject([{ code: 'PARAMETER_NAME_INVALID', severity: 'error', line: 3, message: "parameter name '__proto__' is reserved; names must not be __proto__, constructor or prototype" }]);
  });

  it('refuses a template workflow input named constructor', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/templates/tpl.yaml': 'version: 1.0.0\nworkflow:\n  input:\n    constructor: { type: string }\n  tasks:\n    a: { action: core.noop }\n',
    });
    expect(diags).toMatchObject([{ code: 'PARAMETER_NAME_INVALID', line: 4 }]);
  });

  it('refuses an action parameter named prototype', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/actions/act.yaml': 'runner: shell\nparameters:\n  prototype: { type: string }\n',
    });
    expect(diags.filter((d) => d.code === 'PARAMETER_NAME_INVALID')).toMatchObject([{ line: 3, message: "parameter name 'prototype' is reserved; names must not be __proto__, constructor or prototype" }]);
  });

  it('accepts ordinary names that merely contain a reserved word', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ninput:\n  proto: { type: string }\n  my_constructor: { type: string }\ntasks:\n  a: { action: core.noop }\n');
    expect(diags).toEqual([]);
  });
});
