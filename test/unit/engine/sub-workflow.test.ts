import { describe, expect, it } from 'vitest';
import { childExecutionId, childUnitOf, itemOfContext } from '../../../src/engine/sub-workflow.js';

describe('childUnitOf()', () => {
  it('reads back the unit and attempt childExecutionId encoded, for a task and a fan-out item', () => {
    expect(childUnitOf(childExecutionId({ idempotency_key: 'p1:call', attempt: 3 }), 'p1', 'call')).toEqual({ attempt: 3 });
    expect(childUnitOf(childExecutionId({ idempotency_key: 'p1:call:12', attempt: 1 }), 'p1', 'call')).toEqual({ item_index: 12, attempt: 1 });
  });

  it('gives null for an id another parent, another task or another scheme made', () => {
    expect(childUnitOf('p2:call#1', 'p1', 'call')).toBeNull();
    expect(childUnitOf('p1:caller#1', 'p1', 'call')).toBeNull();
    expect(childUnitOf('p1:call', 'p1', 'call')).toBeNull();
    expect(childUnitOf('p1:call#1:x#1', 'p1', 'call')).toBeNull();
  });
});

describe('itemOfContext()', () => {
  it('finds the item index in a fan-out unit key, and none in a plain task key', () => {
    expect(itemOfContext({ execution_id: 'p1', task_id: 'call', idempotency_key: 'p1:call:4' })).toBe(4);
    expect(itemOfContext({ execution_id: 'p1', task_id: 'call', idempotency_key: 'p1:call' })).toBeUndefined();
  });
});
