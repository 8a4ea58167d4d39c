import { describe, it, expect } from 'vitest';
import { validateWorkflow } from '../pack-tree.js';

describe('checkHandlers()', () => {
  it('reports unknown on_error and error_handlers targets with hints', async () => {
    const diags = await validateWorkflow(
      [
        'version: 1.0.0',
        'tasks:',
        '  a: { action: core.noop, on_error: notfy }',
        '  notify: { action: core.noop }',
        'error_handlers:',
        '  - { error_type: TIMEOUT, handler: nobody }',
        '',
      ].join('\n'),
    );
    expect(diags).toMatchObject([
      { code: 'HANDLER_UNKNOWN_TASK', line: 3, hint: "did you mean 'notify'?" },
      { code: 'HANDLER_UNKNOWN_TASK', line: 6, pointer: '/error_handlers/0/handler' },
    ]);
  });
});
