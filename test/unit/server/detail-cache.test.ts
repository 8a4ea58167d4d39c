import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/model.js';
import { createSecretMasker } from '../../../src/core/secret-masker.js';
import { createDetailCache } from '../../../src/server/detail-cache.js';

function record(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id: 'e1',
    workflow_id: 'w1',
    workflow_ref: 'p.w',
    workflow_version: 1,
    status: 'completed',
    input: {},
    output: null,
    error: null,
    parent_execution_id: null,
    parent_task_id: null,
    created_at: '2026-12-05T00:00:00.000Z',
    updated_at: '2026-12-05T00:00:01.000Z',
    finished_at: '2026-12-05T00:00:01.000Z',
    last_seq: 8,
    ...overrides,
  };
}

describe('createDetailCache()', () => {
  it('answers a finished execution again while its row is unchanged', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record(), 'completed', '{"a":1}');
    expect(cache.get(record())).toBe('{"a":1}');
  });

  it('keeps nothing for an execution that is still running', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record({ status: 'running', finished_at: null }), 'running', '{}');
    expect(cache.get(record({ status: 'running', finished_at: null }))).toBeUndefined();
  });

  it('drops the answer once the execution moves on (a retry appends events)', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record(), 'completed', '{}');
    expect(cache.get(record({ last_seq: 9, status: 'running' }))).toBeUndefined();
    expect(cache.get(record())).toBeUndefined();
  });

  it('drops the answer when the masker learns a secret it may hold', () => {
    const masker = createSecretMasker();
    const cache = createDetailCache(masker);
    cache.put(record(), 'completed', '{"out":"hunter2-secret"}');
    masker.add(['hunter2-secret']);
    expect(cache.get(record())).toBeUndefined();
  });

  it('holds no more than its byte budget, least recently read out first', () => {
    const cache = createDetailCache(createSecretMasker(), 400);
    const big = 'x'.repeat(90);
    for (const id of ['a', 'b', 'c', 'd']) cache.put(record({ id }), 'completed', big);
    expect(cache.get(record({ id: 'a' }))).toBe(big);
    cache.put(record({ id: 'e' }), 'completed', big);
    expect(cache.get(record({ id: 'b' }))).toBeUndefined();
    expect(cache.get(record({ id: 'a' }))).toBe(big);
    expect(cache.get(record({ id: 'e' }))).toBe(big);
  });
});
