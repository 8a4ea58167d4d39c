import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackfillResult, ScheduleDetail, ScheduleView } from '../../../src/core/schedule-wire.js';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import { openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';
import { firesInOneMillisecond } from './fires-in-one-millisecond.js';

const HOURLY = [
  'version: 1.0.0',
  'input:',
  '  mode: { type: string, required: true }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  hourly:',
  '    schedule: { cron: "0 * * * *", timezone: Europe/Paris, input: { mode: full }, overlap: allow_all }',
  '',
].join('\n');

describe('/api/v1/schedules', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await openServer({ files: { 'demo/workflows/hourly.yaml': HOURLY } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the schedules workflows declare, with the next fire time', async () => {
    const { status, body } = await h.call<{ items: ScheduleView[]; total: number }>('GET', '/api/v1/schedules');
    expect(status).toBe(200);
    expect(body.items).toMatchObject([{ id: 'demo.hourly/hourly', cron: '0 * * * *', timezone: 'Europe/Paris', overlap: 'allow_all', paused: false, input: { mode: 'full' } }]);
    expect(body.items[0]!.next_fire_times).toHaveLength(1);
  });

  it('shows one schedule with its next five fire times on the hour', async () => {
    const { status, body } = await h.call<ScheduleDetail>('GET', '/api/v1/schedules/demo.hourly/hourly');
    expect(status).toBe(200);
    expect(body.next_fire_times).toHaveLength(5);
    for (const time of body.next_fire_times) expect(time).toMatch(/T\d\d:00:00\.000Z$/);
    expect(body.recent_fires).toEqual([]);
  });

  it('answers an unknown schedule with 404 SCHEDULE_NOT_FOUND', async () => {
    const { status, body } = await h.call<{ error: { code: string; message: string } }>('GET', '/api/v1/schedules/demo.hourly/nightly');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'SCHEDULE_NOT_FOUND', message: "no schedule 'nightly' on workflow 'demo.hourly'" });
  });

  it('pauses with a note and resumes', async () => {
    const paused = await h.call<ScheduleView>('POST', '/api/v1/schedules/demo.hourly/hourly/pause', { json: { note: 'maintenance' } });
    expect(paused.body).toMatchObject({ paused: true, note: 'maintenance', next_fire_times: [] });
    const resumed = await h.call<ScheduleView>('POST', '/api/v1/schedules/demo.hourly/hourly/resume');
    expect(resumed.body).toMatchObject({ paused: false, note: null });
    expect(resumed.body.next_fire_times).toHaveLength(1);
  });

  it('triggers now: the execution runs with the schedule input and records its fire', async () => {
    const { status, body } = await h.call<TriggerFireRecord>('POST', '/api/v1/schedules/demo.hourly/hourly/trigger');
    expect(status).toBe(201);
    expect(body).toMatchObject({ trigger_id: 'demo.hourly/hourly', reason: 'manual', status: 'started' });
    const execution = await h.engine.waitForCompletion(body.execution_id!);
    expect(execution).toMatchObject({ workflow_ref: 'demo.hourly', status: 'completed', input: { mode: 'full' } });
    const shown = await h.call<ScheduleDetail>('GET', '/api/v1/schedules/demo.hourly/hourly');
    expect(shown.body.last_fire).toMatchObject({ execution_id: body.execution_id });
  });

  it('records manual fires of one millisecond under distinct keys, each inserted once', async () => {
    const count = 10;
    const { answers, inserts } = await firesInOneMillisecond(h, count, () => h.call<TriggerFireRecord>('POST', '/api/v1/schedules/demo.hourly/hourly/trigger'));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: count }, () => 201));
    expect(new Set(answers.map((a) => a.body.scheduled_at)).size).toBe(count);
    expect(inserts).toBe(count);
  });

  it('backfills each scheduled time of a range once', async () => {
    const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-01T02:30:00Z' };
    const first = await h.call<BackfillResult>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: range });
    expect(first.status).toBe(200);
    expect(first.body.fires.map((f) => [f.scheduled_at, f.reason, f.status])).toEqual([
      ['2026-03-01T00:00:00.000Z', 'backfill', 'started'],
      ['2026-03-01T01:00:00.000Z', 'backfill', 'started'],
      ['2026-03-01T02:00:00.000Z', 'backfill', 'started'],
    ]);
    const again = await h.call<BackfillResult>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: { ...range, overlap: 'skip' } });
    expect(again.body).toMatchObject({ fires: [], already_fired: ['2026-03-01T00:00:00.000Z', '2026-03-01T01:00:00.000Z', '2026-03-01T02:00:00.000Z'] });
  });

  it('refuses a reversed or oversized range and a bad policy with a 400', async () => {
    const reversed = await h.call<{ error: { code: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' } });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('SCHEDULE_RANGE_INVALID');
    const huge = await h.call<{ error: { code: string; message: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toContain('more than 1000');
    const policy = await h.call<{ error: { code: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/trigger', { json: { overlap: 'queue' } });
    expect(policy.status).toBe(400);
    const notTime = await h.call<{ error: { code: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: { from: 'yesterday', to: 'today' } });
    expect(notTime.body.error.code).toBe('SCHEDULE_RANGE_INVALID');
    // Without an offset the server would read the range in its own zone: refused, nothing fired.
    for (const range of [{ from: '2026-03-01T00:00:00', to: '2026-03-01T02:00:00Z' }, { from: 'March 1, 2026', to: '2026-03-01T02:00:00Z' }]) {
      const local = await h.call<{ error: { code: string; message: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: range });
      expect([local.status, local.body.error.code]).toEqual([400, 'SCHEDULE_RANGE_INVALID']);
      expect(local.body.error.message).toContain('offset');
    }
    const leap = await h.call<{ error: { code: string; message: string } }>('POST', '/api/v1/schedules/demo.hourly/hourly/backfill', { json: { from: '2027-02-29', to: '2027-03-02' } });
    expect(leap.body.error).toMatchObject({ code: 'SCHEDULE_RANGE_INVALID', message: "from '2027-02-29' names a day its month does not have (February 2027 has 28 days)" });
  });
});

describe('POST /api/v1/schedules/{workflow}/{name}/backfill under overlap skip', () => {
  let h: ServerHarness;
  // Each run holds until released, one by one.
  const holds: Array<() => void> = [];
  const hold: ActionHandler = { run: () => new Promise((resolve) => holds.push(() => resolve({ status: 'success', data: {} }))) };
  beforeAll(async () => {
    h = await openServer({ actions: { 'test.gate': hold } });
    const body = workflowBody([{ id: 'a', action: 'test.gate' }]);
    body.triggers = { hourly: { schedule: { cron: '0 * * * *', timezone: 'UTC', input: {}, overlap: 'skip', catchup_window_ms: 0, jitter_ms: 0, enabled: true } } };
    await registerDirect(h.store, 'demo.held', body);
  });
  afterAll(async () => {
    for (const release of holds) release();
    await h.close();
  });

  it('records the times it skipped as skipped, with why, not as fired, and runs them on a later backfill', async () => {
    const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-01T02:00:00Z' };
    const first = await h.call<BackfillResult>('POST', '/api/v1/schedules/demo.held/hourly/backfill', { json: range });
    expect(first.status).toBe(200);
    const running = first.body.fires[0]!.execution_id!;
    expect(first.body.fires.map((f) => [f.scheduled_at, f.status])).toEqual([
      ['2026-03-01T00:00:00.000Z', 'started'],
      ['2026-03-01T01:00:00.000Z', 'skipped'],
      ['2026-03-01T02:00:00.000Z', 'skipped'],
    ]);
    expect(first.body.fires[1]!.detail).toBe(`execution ${running} of this schedule is still running`);
    expect(first.body.skipped).toEqual(['2026-03-01T01:00:00.000Z', '2026-03-01T02:00:00.000Z']);
    holds.shift()?.();
    await h.engine.waitForCompletion(running);
    const again = await h.call<BackfillResult>('POST', '/api/v1/schedules/demo.held/hourly/backfill', { json: range });
    expect(again.body.already_fired).toEqual(['2026-03-01T00:00:00.000Z']);
    expect(again.body.fires.map((f) => [f.scheduled_at, f.reason, f.status])).toEqual([
      ['2026-03-01T01:00:00.000Z', 'backfill', 'started'],
      ['2026-03-01T02:00:00.000Z', 'backfill', 'skipped'],
    ]);
    expect(again.body.skipped).toEqual(['2026-03-01T02:00:00.000Z']);
    const stored = await h.store.triggers.getFire('demo.held/hourly', '2026-03-01T01:00:00.000Z');
    expect(stored).toMatchObject({ status: 'started', reason: 'backfill', detail: null, execution_id: again.body.fires[0]!.execution_id });
  });
});

