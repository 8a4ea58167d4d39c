import { describe, it, expect } from 'vitest';
import { codesAt, validateWorkflow } from '../pack-tree.js';

const withRetry = (retry: string) => ['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', `    retry: ${retry}`, ''].join('\n');

describe('checkRetry()', () => {
  it('reports max_delay_ms below initial_delay_ms', async () => {
    const diags = await validateWorkflow(withRetry('{ max_attempts: 2, initial_delay_ms: 5000, max_delay_ms: 100 }'));
    expect(diags).toMatchObject([{ code: 'RETRY_INVALID', line: 5, pointer: '/tasks/a/retry/max_delay_ms' }]);
  });

  it('reports every out-of-range field of a policy', async () => {
    const diags = await validateWorkflow(withRetry('{ max_attempts: 0, initial_delay_ms: -1, backoff_factor: 0.5, jitter: 2 }'));
    expect(codesAt(diags)).toEqual(['RETRY_INVALID@5', 'RETRY_INVALID@5', 'RETRY_INVALID@5', 'RETRY_INVALID@5']);
    expect(diags.map((d) => d.pointer).sort()).toEqual([
      '/tasks/a/retry/backoff_factor',
      '/tasks/a/retry/initial_delay_ms',
      '/tasks/a/retry/jitter',
      '/tasks/a/retry/max_attempts',
    ]);
  });

  it('reports an unknown retry key as a typo', async () => {
    const diags = await validateWorkflow(withRetry('{ max_attempt: 2 }'));
    expect(diags).toMatchObject([{ code: 'SCHEMA_UNKNOWN_KEY', message: "unknown key 'max_attempt' in retry policy of task 'a'", hint: "did you mean 'max_attempts'?" }]);
  });
});
