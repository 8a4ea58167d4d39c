import { describe, expect, it } from 'vitest';
import type { ExecutionRecord, WorkflowDef } from '../../../src/core/model.js';
import { createFoldCache } from '../../../src/engine/fold-cache.js';
import { buildPlan } from '../../../src/engine/plan.js';
import { initialState } from '../../../src/engine/state.js';
import type { WorkflowCache } from '../../../src/engine/workflow-cache.js';
import type { Store } from '../../../src/store/store.js';

const plan = buildPlan({ tasks: [{ id: 'only', action: 'core.noop' }] } as unknown as WorkflowDef);

/** A cache of room for `maxTasks` over a store that counts the histories it is asked for. */
function cacheWithReads(maxTasks: number): { cache: ReturnType<typeof createFoldCache>; reads: string[] } {
  const reads: string[] = [];
  const store = { executions: { readEvents: async (id: string) => (reads.push(id), []) } } as unknown as Store;
  const workflows = { byId: async () => ({ plan, record: { id: 'wf' } }) } as unknown as WorkflowCache;
  return { cache: createFoldCache(store, workflows, maxTasks), reads };
}

const record = (id: string): ExecutionRecord => ({ id, workflow_id: 'wf', last_seq: 0 }) as ExecutionRecord;

describe('createFoldCache()', () => {
  it('keeps the newest executions and drops the oldest down to seven eighths of its room once full', async () => {
    // A one-task execution counts 2: room for 16 is 8 executions; the ninth drops down to 14, i.e. 7.
    const { cache, reads } = cacheWithReads(16);
    for (let i = 0; i < 9; i++) expect(cache.put(`e${i}`, { plan, state: initialState(plan, `e${i}`, 'wf') })).toBe(true);
    for (let i = 2; i < 9; i++) await cache.get(record(`e${i}`));
    expect(reads).toEqual([]);
    await cache.get(record('e1'));
    await cache.get(record('e0'));
    expect(reads).toEqual(['e1', 'e0']);
  });

  it('keeps a read execution as the newest', async () => {
    const { cache, reads } = cacheWithReads(16);
    for (let i = 0; i < 8; i++) cache.put(`e${i}`, { plan, state: initialState(plan, `e${i}`, 'wf') });
    await cache.get(record('e0'));
    cache.put('e8', { plan, state: initialState(plan, 'e8', 'wf') });
    await cache.get(record('e0'));
    expect(reads).toEqual([]);
    await cache.get(record('e1'));
    expect(reads).toEqual(['e1']);
  });
});
