import { describe, expect, it } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

const flow = (tasks: string) => ({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': `version: 1.0.0\ninput:\n  wait: { type: string, default: 1h }\n  list: { type: array, default: [] }\ntasks:\n${tasks}` });

describe('checkWaits()', () => {
  it('accepts durable waits written well, literal or computed', async () => {
    const diags = await validateTree(
      flow(
        [
          '  a: { action: core.signal, input: { name: payment_received, timeout: 7d } }',
          '  b: { action: core.approval, input: { message: ok?, approvers: [alice], expiration_hours: 48, on_reject: complete } }',
          '  c: { action: core.sleep, input: { until: "2027-01-01T09:00:00Z" } }',
          '  d: { action: core.sleep, input: { duration: "${input.wait}" } }',
          '  e: { action: core.approval }',
          '',
        ].join('\n'),
      ),
    );
    expect(diags).toEqual([]);
  });

  it('points at bad literal durations, times, names and hours with line and column', async () => {
    const diags = await validateTree(
      flow(
        [
          '  a: { action: core.signal, input: { name: "pay me", timeout: soon } }',
          '  b: { action: core.approval, input: { expires_in: 2 days } }',
          '  c: { action: core.sleep, input: { until: tomorrow } }',
          '  d: { action: core.approval, input: { expiration_hours: 0 } }',
          '',
        ].join('\n'),
      ),
    );
    expect(diags.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      `6:44 TASK_INPUT_INVALID_VALUE task 'a': signal name "pay me" must be 1-128 letters, digits or _ . : -`,
      `6:63 TASK_INPUT_INVALID_VALUE task 'a': timeout "soon" is not a duration`,
      `7:52 TASK_INPUT_INVALID_VALUE task 'b': expires_in "2 days" is not a duration`,
      `8:44 TASK_INPUT_INVALID_VALUE task 'c': until "tomorrow" is not an ISO-8601 time with a zone`,
      `9:58 TASK_INPUT_INVALID_VALUE task 'd': expiration_hours 0 must be a number > 0`,
    ]);
  });

  it('refuses a wait under with_items and both of two exclusive keys', async () => {
    const diags = await validateTree(
      flow(
        [
          '  a: { action: core.signal, input: { name: go }, with_items: "${input.list}" }',
          '  b: { action: core.sleep, input: { until: "2027-01-01T09:00:00Z", duration: 1h } }',
          '',
        ].join('\n'),
      ),
    );
    expect(diags.map((d) => `${d.code} ${d.pointer} ${d.message}`)).toEqual([
      `TASK_INPUT_INVALID_VALUE /tasks/a/with_items task 'a' fans out core.signal, a durable wait; waits do not fan out`,
      `TASK_INPUT_INVALID_VALUE /tasks/b/input/duration task 'b': give one of 'until' and 'duration', not both`,
    ]);
  });

  it('still requires the inputs a wait cannot do without', async () => {
    const diags = await validateTree(flow('  a: { action: core.signal }\n  b: { action: core.sleep }\n'));
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual(['TASK_INPUT_MISSING_PARAMETER /tasks/a/action', 'TASK_INPUT_MISSING_PARAMETER /tasks/b/action']);
  });
});
