/**
 * The text output's code frame quotes the source line under a diagnostic: a line holding a
 * secret parameter's literal (its default, its enum, a value passed to it) shows the same
 * **REDACTED** the diagnostic's message does, and the caret still points at the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, PACK_YAML, removeTree, runCli } from './cli-harness.js';

const SECRET = 'S3CR3T-VALUE-XYZ';
const ENUM_SECRET = 'hunter2-enum';
let tree: string;

beforeAll(() => {
  assertBuilt();
  tree = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/actions/act.yaml': `runner: shell\nentry_point: act.sh\nparameters:\n  tok: { type: integer, secret: true }\n  key: { type: string, secret: true, enum: [${ENUM_SECRET}] }\n`,
    'packs/demo/actions/act.sh': '#!/bin/sh\n',
    'packs/demo/workflows/flow.yaml': [
      'version: 1.0.0',
      'input:',
      `  key: { type: string, secret: true, enum: [${ENUM_SECRET}], default: "${SECRET}" }`,
      '  password:',
      '    type: integer',
      `    default: ${SECRET}`,
      'tasks:',
      `  a: { action: demo.act, input: { tok: "${SECRET}", key: hunter2-enun } }`,
      `  b: { action: demo.act, input: { tok: 1, api_key: "${SECRET}", tokn: 2 } }`,
      '',
    ].join('\n'),
  });
});

afterAll(() => {
  if (tree) removeTree(tree);
});

describe('harmonia validate: code frames of secret values', () => {
  it('masks in the frame what the diagnostic masks, caret under the mask', async () => {
    const run = await runCli(['validate', 'packs'], { cwd: tree });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain('hunter2');
    // Every frame is still printed, with the mask where the value was.
    expect(run.stdout).toContain(`  3 |   key: { type: string, secret: true, enum: [**REDACTED**], default: **REDACTED** }`);
    expect(run.stdout).toContain('  6 |     default: **REDACTED**\n    |              ^^^^^^^^^^^^\n');
    const line8 = '  a: { action: demo.act, input: { tok: **REDACTED**, key: **REDACTED** } }';
    expect(run.stdout).toContain(`  8 | ${line8}\n    | ${' '.repeat(line8.indexOf('**'))}^^^^^^^^^^^^\n`);
    expect(run.stdout).toContain(`  8 | ${line8}\n    | ${' '.repeat(line8.lastIndexOf('**R'))}^^^^^^^^^^^^\n`);
  });

  it('masks a literal given to a key named like a secret under a diagnostic about something else on its line', async () => {
    const run = await runCli(['validate', 'packs'], { cwd: tree });
    expect(run.stdout).toMatch(/flow\.yaml:9:\d+ {2}warning {2}TASK_INPUT_UNKNOWN_PARAMETER {2}[^\n]*'tokn'/);
    expect(run.stdout).toContain('  9 |   b: { action: demo.act, input: { tok: 1, api_key: **REDACTED**, tokn: 2 } }');
  });

  it('JSON output stays as it was: no values, no frames', async () => {
    const run = await runCli(['validate', 'packs', '--format', 'json'], { cwd: tree });
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain('hunter2');
  });
});
