/** The trigger repository on both backends: one fire per (trigger, scheduled time), compare-and-set updates, pause state. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { pgSuiteName, TEST_DATABASE_URL, usePgSchema } from '../store/pg-test-db.js';

const AT = '2027-01-01T00:00:00.000Z';
const fire = (over: Partial<TriggerFireRecord> = {}): TriggerFireRecord => ({
  trigger_id: 'demo.flow/nightly',
  scheduled_at: AT,
  reason: 'schedule',
  status: 'starting',
  execution_id: null,
  source_execution_id: null,
  node_id: 'a',
  detail: null,
  created_at: AT,
  updated_at: AT,
  ...over,
});

function conformance(open: () => Promise<[Store, Store]>) {
  it('records a scheduled time once: of two racing nodes exactly one inserts', async () => {
    const [one, two] = await open();
    const results = await Promise.all([one.triggers.insertFire(fire({ node_id: 'a' })), two.triggers.insertFire(fire({ node_id: 'b' }))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await one.triggers.insertFire(fire())).toBe(false);
    expect(await one.triggers.insertFire(fire({ scheduled_at: '2027-01-01T00:00:01.000Z' }))).toBe(true);
  });

  it('updates a fire only while it is as expected (compare-and-set)', async () => {
    const [store] = await open();
    await store.triggers.insertFire(fire());
    expect(await store.triggers.updateFire('demo.flow/nightly', AT, { status: 'started', execution_id: 'e1', updated_at: AT }, { status: 'starting', node_id: 'b' })).toBe(false);
    expect(await store.triggers.updateFire('demo.flow/nightly', AT, { status: 'started', execution_id: 'e1', updated_at: AT }, { status: 'starting', node_id: 'a' })).toBe(true);
    expect(await store.triggers.updateFire('demo.flow/nightly', AT, { status: 'failed', updated_at: AT }, { status: 'starting' })).toBe(false);
    expect(await store.triggers.getFire('demo.flow/nightly', AT)).toMatchObject({ status: 'started', execution_id: 'e1' });
    expect(await store.triggers.fireOfExecution('e1')).toMatchObject({ scheduled_at: AT });
  });

  it('changes a fire\'s reason only when the patch names one (a backfill taking up a skipped time)', async () => {
    const [store] = await open();
    await store.triggers.insertFire(fire({ status: 'skipped', detail: 'still running' }));
    expect(await store.triggers.updateFire('demo.flow/nightly', AT, { status: 'starting', reason: 'backfill', detail: null, updated_at: AT }, { status: 'skipped' })).toBe(true);
    expect(await store.triggers.getFire('demo.flow/nightly', AT)).toMatchObject({ status: 'starting', reason: 'backfill', detail: null });
    expect(await store.triggers.updateFire('demo.flow/nightly', AT, { status: 'started', execution_id: 'e2', updated_at: AT }, { status: 'starting' })).toBe(true);
    expect(await store.triggers.getFire('demo.flow/nightly', AT)).toMatchObject({ status: 'started', reason: 'backfill' });
  });

  it('answers the last scheduled time from schedule and catch-up fires only', async () => {
    const [store] = await open();
    await store.triggers.insertFire(fire({ scheduled_at: '2027-01-01T00:00:05.000Z', reason: 'catchup' }));
    await store.triggers.insertFire(fire({ scheduled_at: '2027-06-01T00:00:00.000Z', reason: 'backfill' }));
    expect(await store.triggers.lastScheduledAt('demo.flow/nightly')).toBe('2027-01-01T00:00:05.000Z');
    expect(await store.triggers.lastScheduledAt('demo.other/x')).toBeNull();
  });

  it('lists every unfinished execution a trigger started, however many fires came after it', async () => {
    const [store] = await open();
    const started = (id: string, second: number) => fire({ scheduled_at: `2027-01-01T00:00:${String(second).padStart(2, '0')}.000Z`, status: 'started', execution_id: id });
    await store.executions.createExecution(executionRecord('run-old', { status: 'running' }));
    await store.executions.createExecution(executionRecord('run-done', { status: 'completed' }));
    await store.executions.createExecution(executionRecord('run-paused', { status: 'paused' }));
    await store.executions.createExecution(executionRecord('run-other', { status: 'running' }));
    await store.triggers.insertFire(started('run-old', 1));
    for (let s = 2; s < 40; s += 1) await store.triggers.insertFire(fire({ scheduled_at: `2027-01-01T00:00:${String(s).padStart(2, '0')}.000Z`, status: 'skipped' }));
    await store.triggers.insertFire(started('run-done', 40));
    await store.triggers.insertFire(started('run-paused', 41));
    await store.triggers.insertFire(fire({ trigger_id: 'demo.other/x', status: 'started', execution_id: 'run-other' }));
    expect(await store.triggers.unfinishedExecutions('demo.flow/nightly')).toEqual(['run-old', 'run-paused']);
    expect(await store.triggers.unfinishedExecutions('demo.none/x')).toEqual([]);
  });

  it('pages through a trigger\'s fires, newest first, and counts them', async () => {
    const [store] = await open();
    for (let s = 0; s < 5; s += 1) await store.triggers.insertFire(fire({ scheduled_at: `2027-01-01T00:00:0${s}.000Z` }));
    await store.triggers.insertFire(fire({ trigger_id: 'demo.other/x' }));
    expect((await store.triggers.listFires('demo.flow/nightly', 2, 1)).map((f) => f.scheduled_at)).toEqual(['2027-01-01T00:00:03.000Z', '2027-01-01T00:00:02.000Z']);
    expect(await store.triggers.listFires('demo.flow/nightly', 2, 5)).toEqual([]);
    expect(await store.triggers.countFires('demo.flow/nightly')).toBe(5);
    expect(await store.triggers.countFires('demo.none/x')).toBe(0);
  });

  it('advances since, never back, creating the state when there is none', async () => {
    const [store] = await open();
    await store.triggers.advanceSince('demo.flow/nightly', '2027-02-01T00:00:00.000Z');
    expect(await store.triggers.getState('demo.flow/nightly')).toMatchObject({ paused: false, since: '2027-02-01T00:00:00.000Z' });
    await store.triggers.advanceSince('demo.flow/nightly', AT);
    expect((await store.triggers.getState('demo.flow/nightly'))?.since).toBe('2027-02-01T00:00:00.000Z');
    await store.triggers.advanceSince('demo.flow/nightly', '2027-03-01T00:00:00.000Z');
    expect((await store.triggers.getState('demo.flow/nightly'))?.since).toBe('2027-03-01T00:00:00.000Z');
  });

  it('keeps the first state, pauses, and moves since on resume', async () => {
    const [store] = await open();
    expect(await store.triggers.ensureState('demo.flow/nightly', AT)).toMatchObject({ paused: false, since: AT });
    expect(await store.triggers.ensureState('demo.flow/nightly', '2028-01-01T00:00:00.000Z')).toMatchObject({ since: AT });
    expect(await store.triggers.setPaused('demo.flow/nightly', true, 'why', '2027-02-01T00:00:00.000Z')).toMatchObject({ paused: true, note: 'why', since: AT });
    expect(await store.triggers.setPaused('demo.flow/nightly', false, null, '2027-03-01T00:00:00.000Z')).toMatchObject({ paused: false, note: null, since: '2027-03-01T00:00:00.000Z' });
  });

  it('reads the states and latest fires of several triggers in one call each (schedule listings)', async () => {
    const [store] = await open();
    await store.triggers.setPaused('demo.flow/nightly', true, 'maintenance', AT);
    await store.triggers.insertFire(fire({ scheduled_at: '2027-01-01T00:00:05.000Z' }));
    await store.triggers.insertFire(fire({ scheduled_at: '2027-06-01T00:00:00.000Z', reason: 'backfill' }));
    await store.triggers.insertFire(fire({ trigger_id: 'demo.other/hourly', scheduled_at: '2027-02-01T00:00:00.000Z' }));
    const ids = ['demo.flow/nightly', 'demo.other/hourly', 'demo.never/fired'];
    const states = await store.triggers.getStates(ids);
    expect([...states.keys()]).toEqual(['demo.flow/nightly']);
    expect(states.get('demo.flow/nightly')).toMatchObject({ paused: true, note: 'maintenance' });
    const fires = await store.triggers.lastFires(ids);
    expect(Object.fromEntries([...fires].map(([id, f]) => [id, f.scheduled_at]))).toEqual({
      'demo.flow/nightly': '2027-06-01T00:00:00.000Z',
      'demo.other/hourly': '2027-02-01T00:00:00.000Z',
    });
    expect((await store.triggers.lastFires([])).size).toBe(0);
  });
}

describe('trigger repository: sqlite', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  conformance(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-trigger-repo-'));
    dirs.push(dir);
    const one = createSqliteStore({ file: join(dir, 'h.db') });
    const two = createSqliteStore({ file: join(dir, 'h.db') });
    stores.push(one, two);
    return [one, two];
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('trigger repository'), () => {
  const pg = usePgSchema();
  conformance(async () => {
    const one = await pg.makeStore();
    const two = await pg.openStore();
    return [one, two];
  });
});
