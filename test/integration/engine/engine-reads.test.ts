import { afterEach, describe, it, expect } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import { actionsWith, handler, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Counts the store's event reads (the real repository's method, wrapped). */
function countReads(store: Harness['store']): Array<{ id: string; after: number }> {
  const reads: Array<{ id: string; after: number }> = [];
  const repo = store.executions;
  const read = repo.readEvents.bind(repo);
  repo.readEvents = (id, after = 0, limit) => {
    reads.push({ id, after });
    return read(id, after, limit);
  };
  return reads;
}

describe('engine.getStatus()', () => {
  it('reads none of the events of an execution that finished here', async () => {
    h = await openHarness();
    await register(h.store, 'demo.reads', workflow([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.reads' });
    await h.engine.waitForCompletion(run.id);
    const reads = countReads(h.store);
    const first = await h.engine.getStatus(run.id);
    const second = await h.engine.getStatus(run.id);
    expect(first.status).toBe('completed');
    expect(second.task_statuses.b?.status).toBe('completed');
    expect(reads).toEqual([]);
  });

  it('folds in only the events another engine appended since the last read', async () => {
    let fail = true;
    h = await openHarness({ 'test.flaky': handler(() => { if (fail) throw typedError('BOOM', 'first run fails', false); return { ok: true }; }) });
    await register(h.store, 'demo.revived', workflow([{ id: 'only', action: 'test.flaky' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.revived' });
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('failed');
    expect((await h.engine.getStatus(run.id)).status).toBe('failed');
    const seenAt = (await h.engine.getExecution(run.id)).last_seq;

    fail = false;
    const store2 = await h.reopen();
    const engine2 = createEngine({ store: store2, actions: actionsWith({ 'test.flaky': handler(() => ({ ok: true })) }) });
    await engine2.retry(run.id);
    await engine2.waitForCompletion(run.id);
    await engine2.stop();

    const reads = countReads(h.store);
    const status = await h.engine.getStatus(run.id);
    expect(status.status).toBe('completed');
    expect(status.task_statuses.only).toMatchObject({ status: 'completed', attempts: 2 });
    expect(reads).toEqual([{ id: run.id, after: seenAt }]);
  });
});
