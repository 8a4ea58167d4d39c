import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { openHarness, type ClientHarness } from './client-harness.js';

const DAILY_SALES_INPUT = { day: '2026-01-31', currency: 'EUR' };

let harness: ClientHarness;
let client: HarmoniaClient;

beforeAll(async () => {
  harness = await openHarness();
  client = createClient({ baseUrl: harness.url });
});

afterAll(async () => {
  await harness.close();
});

/** A workflow whose only task sleeps for ten minutes: it stays running until a test acts on it. */
async function startSlowExecution(name: string): Promise<string> {
  const workflow = await client.createWorkflow({ name, tasks: { wait: { action: 'core.sleep', input: { ms: 600_000 } } } });
  const execution = await client.executeWorkflow({ workflow_id: workflow.workflow_id });
  return execution.execution_id;
}

/** Iterates until an event matches, returning everything seen so far. */
async function readUntil(events: AsyncIterator<ExecutionEvent>, stop: (event: ExecutionEvent) => boolean): Promise<ExecutionEvent[]> {
  const seen: ExecutionEvent[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error(`the stream ended before the awaited event; saw ${seen.map((e) => e.event_type).join(', ')}`);
    seen.push(next.value);
    if (stop(next.value)) return seen;
  }
}

describe('HarmoniaClient workflows', () => {
  it('creates a workflow from an object and reads it back by ref', async () => {
    const created = await client.createWorkflow({
      name: 'greeter',
      description: 'says hello',
      tasks: [{ id: 'greet', action: 'core.echo', input: { message: 'hello' } }],
    });
    expect(created).toMatchObject({ ref: 'api.greeter', version: 1, changed: true, task_count: 1 });
    const fetched = await client.getWorkflow('api.greeter');
    expect(fetched.workflow_id).toBe(created.workflow_id);
    expect(fetched.definition.tasks.map((t) => t.id)).toEqual(['greet']);
  });

  it('creates a workflow from YAML text', async () => {
    const yaml = 'version: 1.0.0\nname: from_yaml\ntasks:\n  only:\n    action: core.noop\n';
    const created = await client.createWorkflow(yaml, { name: 'from_yaml' });
    expect(created.ref).toBe('api.from_yaml');
    expect(created.source).toBe(yaml);
  });

  it('lists workflows a page at a time', async () => {
    const page = await client.listWorkflows({ pack: 'data_pipeline', limit: 1 });
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page.items).toHaveLength(1);
    const next = await client.listWorkflows({ pack: 'data_pipeline', limit: 1, offset: 1 });
    expect(next.items[0]?.ref).not.toBe(page.items[0]?.ref);
  });

  it('lists the versions of a workflow', async () => {
    await client.createWorkflow({ name: 'versioned', tasks: { a: { action: 'core.noop' } } });
    await client.updateWorkflow('api.versioned', { name: 'versioned', tasks: { a: { action: 'core.noop' }, b: { action: 'core.noop', depends_on: ['a'] } } });
    const versions = await client.listWorkflowVersions('api.versioned');
    expect(versions.items.map((v) => v.version)).toEqual([1, 2]);
  });
});

describe('HarmoniaClient executions', () => {
  it('executes a pack workflow and waits for it to complete', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    const done = await client.waitForCompletion(execution.execution_id);
    expect(done.status).toBe('completed');
    expect(done.output).toMatchObject({ orders: 3, refunds: 1 });
    expect(Object.values(done.task_statuses).map((t) => t.status)).toEqual(Array(5).fill('completed'));
  });

  it('lists executions by creation time (Dates or ISO text) and by id prefix or workflow ref text', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    const created = new Date(execution.created_at);
    const window = await client.listExecutions({ createdSince: created, createdUntil: new Date(created.getTime() + 1) });
    expect(window.items.map((e) => e.execution_id)).toEqual([execution.execution_id]);
    const byId = await client.listExecutions({ text: execution.execution_id.slice(0, 6) });
    expect(byId.items.map((e) => e.execution_id)).toContain(execution.execution_id);
    const byRef = await client.listExecutions({ text: 'daily_sal', createdSince: execution.created_at });
    expect(byRef.items.map((e) => e.execution_id)).toEqual([execution.execution_id]);
    await expect(client.listExecutions({ createdSince: 'last tuesday' })).rejects.toMatchObject({ code: 'REQUEST_INVALID', status: 400 });
  });

  it('streams every event once, in seq order, and ends after the execution finishes', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    const seen: ExecutionEvent[] = [];
    for await (const event of client.events(execution.execution_id)) seen.push(event);
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen[0]?.event_type).toBe('workflow_started');
    expect(seen.at(-1)?.event_type).toBe('workflow_completed');
    const stored = await client.listEvents(execution.execution_id);
    expect(seen).toEqual(stored.events);
  });

  it('streams only the events after afterSeq', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    const done = await client.waitForCompletion(execution.execution_id);
    const seen: number[] = [];
    for await (const event of client.events(execution.execution_id, { afterSeq: 3 })) seen.push(event.seq);
    expect(seen[0]).toBe(4);
    expect(seen.at(-1)).toBe(done.last_seq);
  });

  it('resumes a dropped event stream with Last-Event-ID, with no gap and no repeat', async () => {
    const id = await startSlowExecution('droppable');
    const events = client.events(id)[Symbol.asyncIterator]();
    const before = await readUntil(events, (e) => e.event_type === 'task_started');
    const streamsBefore = harness.streams.length;

    harness.dropStreams();
    const after: ExecutionEvent[] = [];
    const rest = (async () => {
      for (let next = await events.next(); !next.done; next = await events.next()) after.push(next.value);
    })();
    // the client reconnects at once (it had made progress), resuming after the last seq it yielded
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (harness.streams.slice(streamsBefore).some((s) => s.url.includes(id) && s.lastEventId !== undefined)) resolve();
        else setImmediate(check);
      };
      check();
    });
    await client.cancelExecution(id);
    await rest;
    const seqs = [...before, ...after].map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(after.at(-1)?.event_type).toBe('workflow_canceled');
    const reconnect = harness.streams.slice(streamsBefore).find((s) => s.url.includes(id) && s.lastEventId !== undefined);
    expect(reconnect?.lastEventId).toBe(String(before.at(-1)?.seq));
  });

  it('pauses, resumes and cancels an execution', async () => {
    const id = await startSlowExecution('controllable');
    expect((await client.pauseExecution(id)).status).toBe('paused');
    expect((await client.resumeExecution(id)).status).toBe('running');
    await client.cancelExecution(id);
    const done = await client.waitForCompletion(id);
    expect(done.status).toBe('canceled');
  });

  it('reports a summary and metrics of a finished execution', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    await client.waitForCompletion(execution.execution_id);
    const summary = await client.getWorkflowSummary(execution.execution_id);
    expect(summary).toMatchObject({ status: 'completed', task_count: 5, completed_tasks: 5, workflow_name: 'Daily sales' });
    const metrics = await client.getWorkflowMetrics(execution.execution_id);
    expect(metrics).toMatchObject({ execution_id: execution.execution_id, total_retries: 0 });
    expect(typeof metrics.total_duration).toBe('number');
  });

  it('saves and loads custom state', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    await client.saveState(execution.execution_id, { progress: 0.75, custom_data: { key1: 'value1' } });
    expect(await client.loadState(execution.execution_id)).toEqual({ progress: 0.75, custom_data: { key1: 'value1' } });
  });
});

describe('HarmoniaClient templates, checkpoints and packs', () => {
  it('creates a template from a registered workflow', async () => {
    await client.createWorkflow({ name: 'to_template', tasks: { say: { action: 'core.echo', input: { message: 'hi' } } } });
    const template = await client.createTemplate({
      name: 'say_template',
      workflow_definition_id: 'api.to_template',
      parameters: { channel: { type: 'string', default: 'general' } },
    });
    expect(template).toMatchObject({ ref: 'api.say_template', parameters: { channel: { type: 'string', default: 'general' } } });
    expect((await client.getTemplate('api.say_template')).template_id).toBe(template.template_id);
    expect((await client.listTemplates()).items.map((t) => t.ref)).toContain('api.say_template');
  });

  it('instantiates a pack template with parameter values and runs the workflow it yields', async () => {
    const workflow = await client.instantiateTemplate('data_pipeline.source_extract', { source: 'orders', format: 'csv' }, { name: 'orders_extract' });
    const execution = await client.executeWorkflow({ workflow_id: workflow.workflow_id });
    const done = await client.waitForCompletion(execution.execution_id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ rows: 0 });
  });

  it('checkpoints an execution, validates the checkpoint and restores from it', async () => {
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: DAILY_SALES_INPUT });
    await client.waitForCompletion(execution.execution_id);
    const checkpoint = await client.createCheckpoint(execution.execution_id);
    expect((await client.listCheckpoints(execution.execution_id)).items.map((c) => c.checkpoint_id)).toEqual([checkpoint.checkpoint_id]);
    expect(await client.validateCheckpoint(checkpoint.checkpoint_id)).toMatchObject({ valid: true, problems: [] });
    const restored = await client.restoreFromCheckpoint(checkpoint.checkpoint_id);
    expect(restored.execution_id).not.toBe(execution.execution_id);
    expect((await client.waitForCompletion(restored.execution_id)).status).toBe('completed');
  });

  it('lists, syncs and validates packs on the server', async () => {
    expect((await client.listPacks()).items.map((p) => p.ref)).toEqual(expect.arrayContaining(['ci_cd', 'data_pipeline']));
    expect(await client.validatePack('data_pipeline')).toMatchObject({ pack_ref: 'data_pipeline', ok: true, diagnostics: [] });
    expect(await client.syncPack('data_pipeline')).toMatchObject({ pack_ref: 'data_pipeline', ok: true });
  });

  it('reports the server status', async () => {
    const status = await client.getServerStatus();
    expect(status).toMatchObject({ name: 'harmonia', version: '0.0.0-test', store: { backend: 'sqlite' } });
  });
});
