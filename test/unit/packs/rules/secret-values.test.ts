import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

const SECRET = 'S3CR3T-VALUE-XYZ';
const ENUM_SECRET = 'hunter2-enum';

// A value written for a `secret: true` parameter is a secret even when it is wrong: the
// diagnostic travels to CI logs, REST answers, pack events and git sync reports.
describe('diagnostics about a secret parameter', () => {
  it('never quote the default of a secret input, template parameter or action parameter', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/flow.yaml': `version: 1.0.0\ninput:\n  tok: { type: integer, secret: true, default: "${SECRET}" }\n  key: { type: string, secret: true, enum: [${ENUM_SECRET}], default: "${SECRET}" }\ntasks:\n  a: { action: core.noop }\n`,
      'demo/templates/t.yaml': `version: 1.0.0\nparameters:\n  tok: { type: integer, secret: true, default: "${SECRET}" }\nworkflow:\n  tasks:\n    a: { action: core.noop }\n`,
      'demo/actions/act.yaml': `runner: shell\nentry_point: act.sh\nparameters:\n  tok: { type: integer, secret: true, default: "${SECRET}" }\n`,
      'demo/actions/act.sh': '#!/bin/sh\n',
    });
    expect(diags.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      'demo/actions/act.yaml:4 INPUT_DEFAULT_INVALID',
      'demo/templates/t.yaml:3 INPUT_DEFAULT_INVALID',
      'demo/workflows/flow.yaml:3 INPUT_DEFAULT_INVALID',
      'demo/workflows/flow.yaml:4 INPUT_DEFAULT_INVALID',
    ]);
    expect(diags[0]?.message).toBe("default of parameter 'tok' is **REDACTED**, which is not of type integer");
    expect(JSON.stringify(diags)).not.toContain(SECRET);
    expect(JSON.stringify(diags)).not.toContain(ENUM_SECRET);
  });

  it('never quote a literal passed to a secret action parameter, nor hint with its enum', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/actions/act.yaml': `runner: shell\nentry_point: act.sh\nparameters:\n  tok: { type: integer, secret: true }\n  key: { type: string, secret: true, enum: [${ENUM_SECRET}] }\n`,
      'demo/actions/act.sh': '#!/bin/sh\n',
      'demo/workflows/flow.yaml': `version: 1.0.0\ntasks:\n  a: { action: demo.act, input: { tok: "${SECRET}", key: hunter2-enun } }\n  b: { action: demo.act, input: { tok: 5, key: 7 } }\n`,
    });
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual([
      'TASK_INPUT_INVALID_VALUE /tasks/a/input/tok',
      'TASK_INPUT_INVALID_VALUE /tasks/a/input/key',
      'TASK_INPUT_INVALID_VALUE /tasks/b/input/key',
    ]);
    expect(diags[0]?.message).toBe("task 'a' passes **REDACTED** as 'tok', but action 'demo.act' declares it as integer");
    expect(JSON.stringify(diags)).not.toContain(SECRET);
    expect(JSON.stringify(diags)).not.toContain('hunter2');
  });

  it('never quote a literal given to a child workflow secret input', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/child.yaml': `version: 1.0.0\ninput:\n  tok: { type: integer, secret: true, required: true }\ntasks:\n  a: { action: core.noop }\n`,
      'demo/workflows/flow.yaml': `version: 1.0.0\ntasks:\n  a: { action: core.workflow, input: { workflow: demo.child, input: { tok: "${SECRET}" } } }\n`,
    });
    expect(diags.map((d) => d.code)).toEqual(['TASK_INPUT_INVALID_VALUE']);
    expect(JSON.stringify(diags)).not.toContain(SECRET);
  });

  it('hide a value given to a parameter named like a secret, as the engine does', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/actions/act.yaml': 'runner: shell\nentry_point: act.sh\nparameters:\n  api_key: { type: integer }\n',
      'demo/actions/act.sh': '#!/bin/sh\n',
      'demo/workflows/flow.yaml': `version: 1.0.0\ninput:\n  password: { type: integer, default: "${SECRET}" }\ntasks:\n  a: { action: demo.act, input: { api_key: "${SECRET}" } }\n`,
    });
    expect(diags.map((d) => d.code)).toEqual(['INPUT_DEFAULT_INVALID', 'TASK_INPUT_INVALID_VALUE']);
    expect(JSON.stringify(diags)).not.toContain(SECRET);
  });
});
