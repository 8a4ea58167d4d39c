import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/index.js';
import type {
  ErrorResponse,
  EventsPage,
  ExecutionControlResult,
  ExecutionDetail,
  ExecutionMetricsView,
  ExecutionSummaryView,
  ExecutionView,
  Paginated,
} from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { waitForEvent } from './wait-for-event.js';

let h: ServerHarness;
let done: ExecutionView;
beforeAll(async () => {
  h = await openServer();
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'ada' } } });
  done = res.body;
  await h.engine.waitForCompletion(done.execution_id);
});
afterAll(async () => {
  await h.close();
});

async function startSlow(): Promise<string> {
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.slow' } });
  expect(res.status).toBe(201);
  await waitForEvent(h.engine, res.body.execution_id, (e) => e.event_type === 'task_started');
  return res.body.execution_id;
}

describe('POST /api/executions', () => {
  it('starts an execution by workflow ref', async () => {
    expect(done).toMatchObject({ workflow_ref: 'demo.hello', workflow_version: 1, input: { who: 'ada' } });
  });

  it('answers an unknown workflow with 404', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/executions', { json: { workflow_ref: 'demo.nope' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('answers input of the wrong type with 422', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 42 } } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('EXEC_INPUT_INVALID');
  });

  it('answers a body naming no workflow with 400 from the request schema', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/executions', { json: { input: {} } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('REQUEST_INVALID');
  });
});

describe('GET /api/executions/:id', () => {
  it('answers a finished execution anew once a retry moved it on', async () => {
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.broken' } });
    const id = started.body.execution_id;
    await h.engine.waitForCompletion(id);
    const first = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(first.body.status).toBe('failed');
    expect((await h.call<ExecutionDetail>('GET', `/api/executions/${id}`)).body).toEqual(first.body);
    await h.call('POST', `/api/executions/${id}/retry`);
    await waitForEvent(h.engine, id, (e) => e.event_type === 'workflow_failed' && e.seq > first.body.last_seq);
    const again = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(again.body.status).toBe('failed');
    expect(again.body.last_seq).toBeGreaterThan(first.body.last_seq);
  });

  it('masks a value learnt to be secret after the execution finished', async () => {
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'grace-hopper-1906' } } });
    await h.engine.waitForCompletion(started.body.execution_id);
    const before = await h.call<ExecutionDetail>('GET', `/api/executions/${started.body.execution_id}`);
    expect(JSON.stringify(before.body)).toContain('grace-hopper-1906');
    h.engine.secrets.add(['grace-hopper-1906']);
    const after = await h.call<ExecutionDetail>('GET', `/api/executions/${started.body.execution_id}`);
    expect(JSON.stringify(after.body)).not.toContain('grace-hopper-1906');
    expect(after.body.input).toEqual({ who: '**REDACTED**' });
  });

  it('returns the execution with every task status and its output', async () => {
    const res = await h.call<ExecutionDetail>('GET', `/api/executions/${done.execution_id}`);
    expect(res.body).toMatchObject({ status: 'completed', output: { message: 'hello ada' } });
    expect(res.body.task_statuses.greet).toMatchObject({ status: 'completed', attempts: 1 });
    expect(res.body.task_statuses.done?.status).toBe('completed');
  });

  it('answers an unknown execution with 404', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/executions/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('EXEC_NOT_FOUND');
  });

  it('masks secret-named values in what it returns', async () => {
    const res = await h.call<EventsPage>('GET', `/api/executions/${done.execution_id}/events`);
    const completed = res.body.events.find((e) => e.event_type === 'task_completed' && e.task_id === 'greet');
    expect(JSON.stringify(completed)).toContain('**REDACTED**');
    expect(res.text).not.toContain('k-123');
  });
});

describe('GET /api/executions', () => {
  it('filters by status and pages', async () => {
    const res = await h.call<Paginated<ExecutionView>>('GET', '/api/executions?status=completed&limit=10');
    expect(res.body.items.map((e) => e.execution_id)).toContain(done.execution_id);
    expect(res.body.items.every((e) => e.status === 'completed')).toBe(true);
    expect(res.body).toMatchObject({ limit: 10, offset: 0 });
  });

  it('rejects an unknown status with 400', async () => {
    expect((await h.call('GET', '/api/executions?status=sleeping')).status).toBe(400);
  });

  it('refuses every filter value it cannot take with 400 naming the parameter and what it takes', async () => {
    const statuses = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
    const refusal = async (query: string) => {
      const res = await h.call<ErrorResponse>('GET', `/api/v1/executions?${query}`);
      return [res.status, res.body.error.code, res.body.error.details];
    };
    expect(await refusal('status=bogus')).toEqual([400, 'REQUEST_INVALID', { parameter: 'status', accepted: statuses }]);
    expect(await refusal('sort=bogus')).toEqual([400, 'REQUEST_INVALID', expect.objectContaining({ parameter: 'sort', accepted: expect.arrayContaining(['created_at', '-created_at']) })]);
    for (const name of ['created_since', 'created_until', 'finished_since', 'finished_until']) {
      expect(await refusal(`${name}=yesterday`)).toEqual([400, 'REQUEST_INVALID', { parameter: name, expected: expect.stringContaining('ISO 8601') }]);
    }
    expect(await refusal('created_since=2026-02-01&created_until=2026-01-01')).toEqual([400, 'REQUEST_INVALID', { parameter: 'created_since', expected: expect.stringContaining('created_until') }]);
    expect(await refusal('limit=abc')).toEqual([400, 'REQUEST_INVALID', { parameter: 'limit', expected: expect.any(String) }]);
    expect(await refusal('limit=0')).toEqual([400, 'REQUEST_INVALID', { parameter: 'limit', expected: 'an integer from 1 to 1000' }]);
    expect(await refusal('offset=-1')).toEqual([400, 'REQUEST_INVALID', { parameter: 'offset', expected: expect.stringContaining('integer') }]);
    expect(await refusal(`text=${'x'.repeat(201)}`)).toEqual([400, 'REQUEST_INVALID', { parameter: 'text', expected: 'at most 200 characters' }]);
  });

  it('refuses a log stream it does not know naming the parameter and the streams', async () => {
    const res = await h.call<ErrorResponse>('GET', `/api/v1/executions/${done.execution_id}/logs?stream=stdouts`);
    expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'REQUEST_INVALID', { parameter: 'stream', accepted: ['stdout', 'stderr', 'system'] }]);
  });

  it('filters by creation time, taking times with any offset and plain dates', async () => {
    const created = done.created_at;
    const ids = async (query: string) =>
      (await h.call<Paginated<ExecutionView>>('GET', `/api/executions?${query}`)).body.items.map((e) => e.execution_id);
    expect(await ids(`created_since=${encodeURIComponent(created)}&created_until=${encodeURIComponent(new Date(Date.parse(created) + 1).toISOString())}`)).toEqual([
      done.execution_id,
    ]);
    expect(await ids(`created_until=${encodeURIComponent(created)}`)).not.toContain(done.execution_id);
    // the same instant written in another zone
    const shifted = new Date(Date.parse(created) + 2 * 3600_000 + 1).toISOString().replace('Z', '+02:00');
    expect(await ids(`created_until=${encodeURIComponent(shifted)}`)).toContain(done.execution_id);
    expect(await ids(`created_since=${created.slice(0, 10)}`)).toContain(done.execution_id);
    expect(await ids('created_since=2999-01-01')).toEqual([]);
  });

  it('searches by the start or end of an execution id and by part of the workflow ref', async () => {
    // Ids are time-ordered: the first 13 characters are the millisecond, shared with executions started with it.
    const prefix = done.execution_id.slice(0, 23).toUpperCase();
    const byId = await h.call<Paginated<ExecutionView>>('GET', `/api/executions?text=${prefix}`);
    expect(byId.body.items.map((e) => e.execution_id)).toEqual([done.execution_id]);
    // the console shows an id's last 8 characters: they find it too
    const byTail = await h.call<Paginated<ExecutionView>>('GET', `/api/executions?text=${done.execution_id.slice(-8)}`);
    expect(byTail.body.items.map((e) => e.execution_id)).toEqual([done.execution_id]);
    const byRef = await h.call<Paginated<ExecutionView>>('GET', '/api/executions?text=HELL');
    expect(byRef.body.items.map((e) => e.execution_id)).toContain(done.execution_id);
    expect(byRef.body.items.every((e) => e.workflow_ref.includes('hell') || e.execution_id.toLowerCase().startsWith('hell') || e.execution_id.toLowerCase().endsWith('hell'))).toBe(true);
  });

  it('answers a time that is not ISO 8601 with its offset, or a backwards range, with 400 naming the parameter', async () => {
    for (const [query, needle] of [
      ['created_since=yesterday', "created_since='yesterday'"],
      ['created_until=2026-01-31T09:30', "created_until='2026-01-31T09:30'"],
      ['created_since=2026-02-30', "created_since='2026-02-30' names a day its month does not have (February 2026 has 28 days)"],
      ['created_since=2026-02-01&created_until=2026-01-01', "at or before created_until"],
      [`text=${'x'.repeat(201)}`, 'at most 200'],
    ] as const) {
      const res = await h.call<ErrorResponse>('GET', `/api/executions?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('REQUEST_INVALID');
      expect(res.body.error.message).toContain(needle);
    }
  });
});

describe('summary, metrics and events', () => {
  it('summarises an execution with the guide\'s field names', async () => {
    const res = await h.call<ExecutionSummaryView>('GET', `/api/executions/${done.execution_id}/summary`);
    expect(res.body).toMatchObject({ workflow_name: 'Hello', status: 'completed', task_count: 2, completed_tasks: 2 });
  });

  it('reports metrics with the guide\'s field names', async () => {
    const res = await h.call<ExecutionMetricsView>('GET', `/api/executions/${done.execution_id}/metrics`);
    expect(res.body).toMatchObject({ execution_id: done.execution_id, total_retries: 0 });
    expect(typeof res.body.total_duration).toBe('number');
    expect(typeof res.body.average_task_duration).toBe('number');
  });

  it('returns the events after a seq in order', async () => {
    const all = await h.call<EventsPage>('GET', `/api/executions/${done.execution_id}/events`);
    const seqs = all.body.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const after = await h.call<EventsPage>('GET', `/api/executions/${done.execution_id}/events?after_seq=2`);
    expect(after.body.events[0]?.seq).toBe(3);
    expect(after.body.last_seq).toBe(seqs.at(-1));
  });
});

describe('control verbs', () => {
  it('pauses, resumes, suspends and cancels a running execution', async () => {
    const id = await startSlow();
    const paused = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/pause`);
    expect(paused.body).toMatchObject({ execution_id: id, status: 'paused' });
    const resumed = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/resume`);
    expect(resumed.body.status).toBe('running');
    const suspended = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/suspend`);
    expect(suspended.body.status).toBe('paused');
    await h.call('POST', `/api/executions/${id}/resume`);
    const canceled = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect((await h.engine.waitForCompletion(id)).status).toBe('canceled');
  });

  it('answers a verb the status does not allow with 409', async () => {
    const res = await h.call<ErrorResponse>('POST', `/api/executions/${done.execution_id}/pause`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('EXEC_INVALID_STATE');
  });

  it('retries a failed execution', async () => {
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.broken' } });
    const id = started.body.execution_id;
    expect((await h.engine.waitForCompletion(id)).status).toBe('failed');
    const retried = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(['running', 'pending']).toContain(retried.body.status);
    const events = await waitForEvent(h.engine, id, (e) => e.event_type === 'workflow_failed' && e.seq > 4);
    expect(events.event_type).toBe('workflow_failed');
  });

  it('terminates a running execution', async () => {
    const id = await startSlow();
    const terminated = await h.call<ExecutionControlResult>('POST', `/api/executions/${id}/terminate`);
    expect(terminated.status).toBe(200);
    expect(['canceled', 'failed']).toContain((await h.engine.waitForCompletion(id)).status);
  });

  it('refuses a body on a control verb unless it is empty', async () => {
    const res = await h.call('POST', `/api/executions/${done.execution_id}/pause`, { json: { force: true } });
    expect(res.status).toBe(400);
  });
});

describe('custom state', () => {
  it('saves and loads an execution\'s state, masking secret keys', async () => {
    const put = await h.call('PUT', `/api/executions/${done.execution_id}/state`, {
      json: { progress: 0.75, processed_items: 150, password: 'hunter2' },
    });
    expect(put.status).toBe(200);
    const got = await h.call<{ state: Record<string, unknown> }>('GET', `/api/executions/${done.execution_id}/state`);
    expect(got.body.state).toEqual({ progress: 0.75, processed_items: 150, password: '**REDACTED**' });
  });
});

describe('POST /api/v1/executions with an Idempotency-Key', () => {
  it('starts one execution for a retried request and answers the retry with it', async () => {
    const headers = { 'Idempotency-Key': 'deploy-2026-12-05-001' };
    const first = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' }, headers });
    expect(first.status).toBe(201);
    const retries = await Promise.all([1, 2, 3].map(() => h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' }, headers })));
    expect(retries.map((r) => [r.status, r.body.execution_id])).toEqual([1, 2, 3].map(() => [200, first.body.execution_id]));
    const list = await h.call<{ items: Array<{ execution_id: string }> }>('GET', '/api/v1/executions?limit=100');
    expect(list.body.items.filter((e) => e.execution_id === first.body.execution_id)).toHaveLength(1);
    // The SDK sends the key too.
    const viaSdk = await createClient({ baseUrl: h.url }).executeWorkflow({ workflow_ref: 'demo.hello' }, { idempotencyKey: 'deploy-2026-12-05-001' });
    expect(viaSdk.execution_id).toBe(first.body.execution_id);
    const other = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' }, headers: { 'Idempotency-Key': 'another-key' } });
    expect(other.status).toBe(201);
    expect(other.body.execution_id).not.toBe(first.body.execution_id);
  });

  it('refuses a key reused for another workflow or input with 422, and a malformed key with 400', async () => {
    const headers = { 'Idempotency-Key': 'k-reused' };
    expect((await h.call('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'a' } }, headers })).status).toBe(201);
    const clash = await h.call<{ error: { code: string } }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.slow' }, headers });
    expect([clash.status, clash.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const otherInput = await h.call<{ error: { code: string } }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'b' } }, headers });
    expect([otherInput.status, otherInput.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const same = await h.call('POST', '/api/v1/executions', { json: { input: { who: 'a' }, workflow_ref: 'demo.hello' }, headers });
    expect(same.status).toBe(200);
    const bad = await h.call<{ error: { code: string } }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' }, headers: { 'Idempotency-Key': 'has space' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
  });

  it('refuses an empty key with 400 instead of starting an execution with no key at all', async () => {
    // A client whose key variable is unset sends the header empty: silently dropping it
    // would start a new execution on every retry the client believes is safe.
    const before = (await h.call<{ total: number }>('GET', '/api/v1/executions?limit=1')).body.total;
    for (const path of ['/api/v1/executions', '/api/executions']) {
      const empty = await h.call<{ error: { code: string; details: unknown } }>('POST', path, { json: { workflow_ref: 'demo.hello' }, headers: { 'Idempotency-Key': '' } });
      expect([empty.status, empty.body.error.code, empty.body.error.details]).toEqual([400, 'REQUEST_INVALID', { field: 'Idempotency-Key' }]);
    }
    expect((await h.call<{ total: number }>('GET', '/api/v1/executions?limit=1')).body.total).toBe(before);
  });
});
