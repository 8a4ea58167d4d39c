import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

const files = (input: string) => ({
  'demo/pack.yaml': PACK_YAML,
  'demo/actions/build.yaml': 'runner: shell\nentry_point: build.sh\nparameters:\n  ref: { type: string, required: true }\n  tag: { type: string, default: latest }\n',
  'demo/actions/build.sh': '#!/bin/sh\n',
  'demo/workflows/flow.yaml': `version: 1.0.0\ntasks:\n  a:\n    action: demo.build\n    input: ${input}\n`,
});

describe('checkTaskInput()', () => {
  it('reports a missing required parameter', async () => {
    expect(await validateTree(files('{ tag: v1 }'))).toMatchObject([{ code: 'TASK_INPUT_MISSING_PARAMETER', severity: 'error', line: 5 }]);
  });

  it('warns about an undeclared input key with the nearest parameter as a hint', async () => {
    expect(await validateTree(files('{ ref: main, tga: v1 }'))).toMatchObject([
      { code: 'TASK_INPUT_UNKNOWN_PARAMETER', severity: 'warning', hint: "did you mean 'tag'?" },
    ]);
  });

  it('accepts a required parameter passed as an expression', async () => {
    expect(await validateTree(files('{ ref: "${env.REF}" }'))).toEqual([]);
  });
});

describe('checkTaskInput() values', () => {
  it('reports a literal outside the enum as an error and a literal of another type as a warning', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/actions/deploy.yaml': 'runner: shell\nentry_point: d.sh\nparameters:\n  env: { type: string, enum: [staging, production] }\n  replicas: { type: integer }\n',
      'demo/actions/d.sh': '',
      'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a:\n    action: demo.deploy\n    input: { env: prod, replicas: "4" }\n  b:\n    action: demo.deploy\n    input: { env: "${env.TARGET}", replicas: 4 }\n',
    });
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual([
      'error TASK_INPUT_INVALID_VALUE /tasks/a/input/env',
      'warning TASK_INPUT_INVALID_VALUE /tasks/a/input/replicas',
    ]);
  });

  it('reports a built-in called without the input it needs', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.http, input: { method: GET } }\n  b: { action: core.shell, input: { command: ls } }\n',
    });
    expect(diags).toMatchObject([{ code: 'TASK_INPUT_MISSING_PARAMETER', message: "task 'a' does not pass 'url', which core.http needs" }]);
  });
});
