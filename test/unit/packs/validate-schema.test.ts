import { describe, it, expect } from 'vitest';
import { codesAt, validateWorkflow } from './pack-tree.js';

describe('validateSchema()', () => {
  it('reports an unknown key at the key with a did-you-mean and no cascade', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntaks:\n  a: { action: core.noop }\n');
    expect(diags).toMatchObject([{ code: 'SCHEMA_UNKNOWN_KEY', line: 2, column: 1, message: "unknown key 'taks' in workflow", hint: "did you mean 'tasks'?" }]);
  });

  it('reports a missing key at the start of the mapping that lacks it', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntasks:\n  a:\n    input: {}\n');
    expect(diags).toMatchObject([{ code: 'SCHEMA_REQUIRED', line: 4, message: "missing required key 'action' in task 'a'" }]);
  });

  it('reports a missing top-level key at line 1', async () => {
    const diags = await validateWorkflow('# a comment first\ntasks:\n  a: { action: core.noop }\n');
    expect(codesAt(diags)).toEqual(['SCHEMA_REQUIRED@1']);
  });

  it('reports a wrong type at the value in plain words', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntasks:\n  a:\n    action: core.noop\n    timeout_ms: "fast"\n');
    expect(diags).toMatchObject([{ code: 'SCHEMA_TYPE', line: 5, column: 17, message: "'timeout_ms' of task 'a' must be an integer, got a string 'fast'" }]);
  });

  it('reports an enum violation with the allowed values', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntasks:\n  a: { action: core.noop, trigger_rule: all_succes }\n');
    expect(diags).toMatchObject([{ code: 'SCHEMA_ENUM', hint: "did you mean 'all_success'?" }]);
  });

  it('reports every problem of a file, not just the first', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntasks:\n  a: { action: core.noop, retries: 3 }\n  b: { action: core.noop, timeout_ms: -5 }\noutputs: {}\n');
    expect(codesAt(diags)).toEqual(['SCHEMA_UNKNOWN_KEY@3', 'SCHEMA_RANGE@4', 'SCHEMA_UNKNOWN_KEY@5']);
  });
});
