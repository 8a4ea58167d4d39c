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
  it('reports a literal outside the enum and a literal of another type as errors', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/actions/deploy.yaml': 'runner: shell\nentry_point: d.sh\nparameters:\n  env: { type: string, enum: [staging, production] }\n  replicas: { type: integer }\n',
      'demo/actions/d.sh': '',
      'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a:\n    action: demo.deploy\n    input: { env: prod, replicas: "4" }\n  b:\n    action: demo.deploy\n    input: { env: "${env.TARGET}", replicas: 4 }\n',
    });
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual([
      'error TASK_INPUT_INVALID_VALUE /tasks/a/input/env',
      'error TASK_INPUT_INVALID_VALUE /tasks/a/input/replicas',
    ]);
  });

  it('reports a built-in called without the input it needs', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.http, input: { method: GET } }\n  b: { action: core.shell, input: { command: ls } }\n',
    });
    expect(diags).toMatchObject([{ code: 'TASK_INPUT_MISSING_PARAMETER', message: "task 'a' does not pass 'url', which core.http needs" }]);
  });

  it('type-checks the literal inputs of built-ins and warns about keys they do not read', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/flow.yaml':
        'version: 1.0.0\ntasks:\n  a: { action: core.sleep, input: { ms: "5s" } }\n  b: { action: core.http, input: { url: "https://x.test", timout_ms: 5 } }\n  c: { action: core.shell, input: { argv: ls } }\n',
    });
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.hint ?? ''}`)).toEqual([
      "error TASK_INPUT_INVALID_VALUE /tasks/a/input/ms write a value of type number, or compute it with ${...}",
      "warning TASK_INPUT_UNKNOWN_PARAMETER /tasks/b/input/timout_ms did you mean 'timeout_ms'?",
      'error TASK_INPUT_INVALID_VALUE /tasks/c/input/argv write a value of type array, or compute it with ${...}',
    ]);
  });
});

describe('checkChildWorkflowInput()', () => {
  const child = 'version: 1.0.0\ninput:\n  region: { type: string, required: true }\n  replicas: { type: integer, default: 1 }\ntasks:\n  a: { action: core.noop }\n';
  const parent = (input: string) => `version: 1.0.0\ntasks:\n  call:\n    action: core.workflow\n    input: { workflow: demo.zchild, input: ${input} }\n`;

  it('checks the input given to a child against the inputs it declares, whichever file comes first', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/achild_caller.yaml': parent('{ replicas: two, regoin: eu }'), 'demo/workflows/zchild.yaml': child });
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual([
      'error TASK_INPUT_MISSING_PARAMETER /tasks/call/input/input',
      'error TASK_INPUT_INVALID_VALUE /tasks/call/input/input/replicas',
      'error TASK_INPUT_UNKNOWN_PARAMETER /tasks/call/input/input/regoin',
    ]);
    expect(diags[0]?.message).toBe("task 'call' does not pass 'region', a required input of workflow 'demo.zchild'");
    expect(diags[2]?.hint).toBe("did you mean 'region'?");
  });

  it('accepts a call that gives what the child needs, literally or by expression', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/caller.yaml': parent('{ region: "${env.REGION}", replicas: 3 }'), 'demo/workflows/zchild.yaml': child });
    expect(diags).toEqual([]);
  });
});

