import { describe, it, expect } from 'vitest';
import { validateWorkflow } from '../pack-tree.js';

describe('checkErrorTypes()', () => {
  it('warns on a misspelt error type in retriable_errors and error_handlers, at its line and column, with a did-you-mean', async () => {
    const diags = await validateWorkflow(
      [
        'version: 1.0.0',
        'tasks:',
        '  fetch:',
        '    action: core.noop',
        '    retry: { max_attempts: 3, retriable_errors: [CONNECTION_ERROR, TIMOUT] }',
        '  notify: { action: core.noop }',
        'error_handlers:',
        '  - { error_type: INTERUPTED, handler: notify }',
        '',
      ].join('\n'),
    );
    expect(diags).toMatchObject([
      {
        code: 'ERROR_TYPE_UNKNOWN',
        severity: 'warning',
        line: 5,
        column: 68,
        pointer: '/tasks/fetch/retry/retriable_errors/1',
        message: "unknown error type 'TIMOUT' in retriable_errors of task 'fetch'; did you mean 'TIMEOUT'?",
      },
      {
        code: 'ERROR_TYPE_UNKNOWN',
        severity: 'warning',
        line: 8,
        column: 19,
        pointer: '/error_handlers/0/error_type',
        message: "unknown error type 'INTERUPTED' in error_handlers; did you mean 'INTERRUPTED'?",
      },
    ]);
  });

  it("accepts Harmonia's own types, the wildcard, and a type a core.fail of the same workflow raises", async () => {
    const diags = await validateWorkflow(
      [
        'version: 1.0.0',
        'tasks:',
        '  fetch: { action: core.noop, retry: { max_attempts: 2, retriable_errors: [TIMEOUT, HTTP_ERROR, QUOTA_LOW] } }',
        '  guard: { action: core.fail, input: { error_type: QUOTA_LOW, error_message: low } }',
        '  notify: { action: core.noop }',
        'error_handlers:',
        "  - { error_type: '*', handler: notify }",
        '  - { error_type: LLM_RATE_LIMITED, handler: notify }',
        '',
      ].join('\n'),
    );
    expect(diags).toEqual([]);
  });

  it('warns without a guess when nothing is near, and says how to keep a type of your own', async () => {
    const diags = await validateWorkflow(
      ['version: 1.0.0', 'tasks:', '  a: { action: core.noop, retry: { max_attempts: 2, retriable_errors: [PAYMENT_DECLINED] } }', ''].join('\n'),
    );
    expect(diags).toMatchObject([
      {
        code: 'ERROR_TYPE_UNKNOWN',
        message: "unknown error type 'PAYMENT_DECLINED' in retriable_errors of task 'a'",
        hint: expect.stringContaining('harmonia-ignore ERROR_TYPE_UNKNOWN'),
      },
    ]);
  });
});
