import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/model.js';
import { createSecretMasker } from '../../../src/core/secret-masker.js';
import { createDetailCache } from '../../../src/server/detail-cache.js';
import { weakEtag } from '../../../src/server/etag.js';

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
    cache.put(record(), 'completed', '{"a":1}', null);
    expect(cache.get(record(), null)?.body.toString()).toBe('{"a":1}');
  });

  it('keeps nothing for an execution that is still running', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record({ status: 'running', finished_at: null }), 'running', '{}', null);
    expect(cache.get(record({ status: 'running', finished_at: null }), null)?.body.toString()).toBeUndefined();
  });

  it('drops the answer once the execution moves on (a retry appends events)', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record(), 'completed', '{}', null);
    expect(cache.get(record({ last_seq: 9, status: 'running' }), null)?.body.toString()).toBeUndefined();
    expect(cache.get(record(), null)?.body.toString()).toBeUndefined();
  });

  it('drops the answer when the masker learns a secret it may hold', () => {
    const masker = createSecretMasker();
    const cache = createDetailCache(masker);
    cache.put(record(), 'completed', '{"out":"hunter2-secret"}', null);
    masker.add(['hunter2-secret']);
    expect(cache.get(record(), null)?.body.toString()).toBeUndefined();
  });

  it('finds a kept answer by the change mark it was kept under, and by no other', () => {
    const cache = createDetailCache(createSecretMasker());
    const kept = cache.put(record(), 'completed', '{"a":1}', 7);
    expect(cache.getByMark('e1', 7)).toEqual(kept);
    expect(cache.getByMark('e1', 8)).toBeUndefined();
    expect(cache.getByMark('e2', 7)).toBeUndefined();
  });

  it('moves a kept answer to the newer mark when its row shows it unchanged', () => {
    const cache = createDetailCache(createSecretMasker());
    cache.put(record(), 'completed', '{"a":1}', 7);
    expect(cache.get(record(), 9)?.body.toString()).toBe('{"a":1}');
    expect(cache.getByMark('e1', 9)?.body.toString()).toBe('{"a":1}');
    expect(cache.getByMark('e1', 7)).toBeUndefined();
  });

  it('finds nothing by mark once the masker learns a secret', () => {
    const masker = createSecretMasker();
    const cache = createDetailCache(masker);
    cache.put(record(), 'completed', '{"out":"hunter2-secret"}', 7);
    masker.add(['hunter2-secret']);
    expect(cache.getByMark('e1', 7)).toBeUndefined();
  });

  it('keeps the ETag of the JSON with it', () => {
    const cache = createDetailCache(createSecretMasker());
    const kept = cache.put(record(), 'completed', '{"a":1}', null);
    expect(kept.etag).toBe(weakEtag('{"a":1}'));
    expect(kept.body.toString()).toBe('{"a":1}');
  });

  it('holds no more than its byte budget, least recently read out first', () => {
    const cache = createDetailCache(createSecretMasker(), 400);
    const big = 'x'.repeat(90);
    for (const id of ['a', 'b', 'c', 'd']) cache.put(record({ id }), 'completed', big, null);
    expect(cache.get(record({ id: 'a' }), null)?.body.toString()).toBe(big);
    cache.put(record({ id: 'e' }), 'completed', big, null);
    expect(cache.get(record({ id: 'b' }), null)?.body.toString()).toBeUndefined();
    expect(cache.get(record({ id: 'a' }), null)?.body.toString()).toBe(big);
    expect(cache.get(record({ id: 'e' }), null)?.body.toString()).toBe(big);
  });

  it('once over its budget, drops the least recently read until an eighth of it is free', () => {
    const cache = createDetailCache(createSecretMasker(), 400);
    const big = 'x'.repeat(90);
    for (const id of ['a', 'b', 'c', 'd']) cache.put(record({ id }), 'completed', big, null);
    // 450 bytes: a and b go (down to 270, under 350), c stays.
    cache.put(record({ id: 'e' }), 'completed', big, null);
    expect(cache.get(record({ id: 'a' }), null)).toBeUndefined();
    expect(cache.get(record({ id: 'b' }), null)).toBeUndefined();
    expect(cache.get(record({ id: 'c' }), null)?.body.toString()).toBe(big);
  });
});
