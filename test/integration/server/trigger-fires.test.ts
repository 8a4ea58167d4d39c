/**
 * A trigger's fire history, a page at a time, over real HTTP: a schedule's (more than the ten
 * its detail shows) and a webhook's, whose refused deliveries are recorded but were shown nowhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, NotFoundError } from '../../../src/client/index.js';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import type { Paginated } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

const FLOW = [
  'version: 1.0.0',
  'input:',
  '  ref: { type: string, required: true }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  hourly:',
  '    schedule: { cron: "0 * * * *", overlap: allow_all, input: { ref: "${trigger.scheduled_time}" } }',
  '  push:',
  '    webhook: { secret_env: HOOK_SECRET, input: { ref: "${trigger.body.ref}" } }',
  '',
].join('\n');
const SECRET = 'fires-hook-secret';
const GONE = ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  soon:', '    schedule: { cron: "0 4 * * *" }', ''].join('\n');
const OTHER = ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  daily:', '    schedule: { cron: "0 3 * * *" }', '  weekly:', '    schedule: { cron: "0 3 * * 1" }', ''].join('\n');

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ files: { 'demo/workflows/flow.yaml': FLOW, 'demo/workflows/other.yaml': OTHER, 'demo/workflows/gone.yaml': GONE }, trigger_secret: (name) => (name === 'HOOK_SECRET' ? SECRET : undefined) });
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/triggers/{workflow}/{name}/fires', () => {
  it('pages through every fire of a schedule, newest first, with the total', async () => {
    const backfill = await h.call<{ fires: TriggerFireRecord[] }>('POST', '/api/v1/schedules/demo.flow/hourly/backfill', { json: { from: '2026-03-01T00:00:00Z', to: '2026-03-01T23:00:00Z' } });
    expect(backfill.body.fires).toHaveLength(24);
    const first = await h.call<Paginated<TriggerFireRecord>>('GET', '/api/v1/triggers/demo.flow/hourly/fires?limit=20');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 24, limit: 20, offset: 0 });
    expect(first.body.items[0]).toMatchObject({ trigger_id: 'demo.flow/hourly', scheduled_at: '2026-03-01T23:00:00.000Z', reason: 'backfill', status: 'started' });
    const second = await h.call<Paginated<TriggerFireRecord>>('GET', '/api/v1/triggers/demo.flow/hourly/fires?limit=20&offset=20');
    expect(second.body.items.map((f) => f.scheduled_at)).toEqual(['2026-03-01T03:00:00.000Z', '2026-03-01T02:00:00.000Z', '2026-03-01T01:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  });

  it("lists a webhook's deliveries, the refused ones with why", async () => {
    const deliver = (body: string) => h.call('POST', '/api/v1/hooks/demo/flow/push', { text: body, contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect((await deliver('{"ref":"main"}')).status).toBe(201);
    expect((await deliver('{"other":1}')).status).toBe(422);
    const client = createClient({ baseUrl: h.url });
    const page = await client.listTriggerFires('demo.flow/push');
    expect(page.total).toBe(2);
    expect(page.items.map((f) => f.status)).toEqual(['failed', 'started']);
    expect(page.items[0]?.detail).toBe("input 'ref' is required");
  });

  it('still lists the fires of a trigger removed from its workflow (how its last fires ended stays visible)', async () => {
    const fired = await h.call<TriggerFireRecord>('POST', '/api/v1/schedules/demo.gone/soon/trigger');
    expect(fired.status).toBe(201);
    writeFileSync(join(h.packsDir, 'demo/workflows/gone.yaml'), GONE.replace(/triggers:[\s\S]*$/, ''));
    expect((await h.call('POST', '/api/v1/packs/sync', { json: {} })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/schedules/demo.gone/soon')).status).toBe(404);
    const page = await h.call<Paginated<TriggerFireRecord>>('GET', '/api/v1/triggers/demo.gone/soon/fires');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 1, items: [{ trigger_id: 'demo.gone/soon', reason: 'manual', status: 'started' }] });
  });

  it('answers 404 TRIGGER_NOT_FOUND for a trigger the workflow does not declare, and 400 for a bad page', async () => {
    const unknown = await h.call<{ error: { code: string } }>('GET', '/api/v1/triggers/demo.flow/nightly/fires');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('TRIGGER_NOT_FOUND');
    await expect(createClient({ baseUrl: h.url }).listTriggerFires('demo.none/x')).rejects.toBeInstanceOf(NotFoundError);
    expect((await h.call('GET', '/api/v1/triggers/demo.flow/hourly/fires?limit=0')).status).toBe(400);
  });
});

describe('GET /api/v1/schedules?workflow=REF', () => {
  it("lists one workflow's schedules, the page and total counting only them", async () => {
    const all = await h.call<Paginated<{ id: string }>>('GET', '/api/v1/schedules');
    expect(all.body.items.map((s) => s.id)).toEqual(['demo.flow/hourly', 'demo.other/daily', 'demo.other/weekly']);
    const other = await h.call<Paginated<{ id: string }>>('GET', '/api/v1/schedules?workflow=demo.other&limit=1&offset=1');
    expect(other.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(other.body.items.map((s) => s.id)).toEqual(['demo.other/weekly']);
    const client = createClient({ baseUrl: h.url });
    expect((await client.listSchedules({ workflow: 'demo.flow' })).items.map((s) => s.id)).toEqual(['demo.flow/hourly']);
    expect(await client.listSchedules({ workflow: 'demo.none' })).toMatchObject({ items: [], total: 0 });
  });
});
