/**
 * GET /executions/{id}/tasks and /tasks/{task_id}: an execution's tasks folded from its
 * history on the server, with the seq they are folded to, so a viewer reads a page of tasks
 * instead of every event and follows the stream from there. Real server, real SQLite, the
 * typed client; the response contract check is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { emptyFold, foldEvents } from '../../../src/core/task-fold.js';
import { createExecutionTaskUseCases } from '../../../src/app/execution-task-use-cases.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
let client: HarmoniaClient;
const gate = createGate();

beforeAll(async () => {
  h = await openServer({ actions: { 'test.gate': gate.action } });
  client = createClient({ baseUrl: h.url });
  await registerDirect(
    h.store,
    'tasks.fan',
    workflowBody([
      { id: 'each', action: 'core.noop', with_items: '${range(0, 250)}' },
      { id: 'hold', action: 'test.gate', depends_on: ['each'] },
      { id: 'after', action: 'core.echo', depends_on: ['hold'], input: { message: 'done' } },
    ]),
  );
});

afterAll(async () => {
  gate.open();
  await h?.close();
});

async function untilTask(id: string, taskId: string, status: string): Promise<void> {
  for await (const event of client.events(id, { untilFinished: false })) {
    if (event.task_id === taskId && event.event_type === (status === 'running' ? 'task_started' : 'task_completed') && !('item_index' in event.data)) return;
  }
}

describe('GET /executions/{id}/tasks', () => {
  it('answers the fold of the whole history at its seq, then carries on from there', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'tasks.fan' });
    await untilTask(run.id, 'hold', 'running');
    const page = await client.getExecutionTasks(run.id, { limit: 1000 });
    const events: ExecutionEvent[] = (await client.listEvents(run.id)).events.filter((e) => e.seq <= page.last_seq);
    // the same fold the console runs over every event, read in one request
    const fold = foldEvents(emptyFold(), events);
    expect(page.last_seq).toBe(fold.last_seq);
    expect(page.status).toBe('running');
    expect(page.total).toBe(2);
    expect(page.items.map((t) => [t.task_id, t.status])).toEqual([
      ['each', 'completed'],
      ['hold', 'running'],
    ]);
    expect(page.items[0]?.items).toEqual({ total: 250, completed: 250, failed: 0 });
    expect(page.items[1]?.attempts).toEqual(fold.tasks.get('hold')?.attempts);

    gate.open();
    await client.waitForCompletion(run.id, { timeoutMs: 30_000 });
    const done = await client.getExecutionTasks(run.id);
    const record = await client.getWorkflowStatus(run.id);
    expect(done.last_seq).toBe(record.last_seq);
    expect(done.status).toBe('completed');
    expect(done.items.map((t) => [t.task_id, t.status])).toEqual([
      ['each', 'completed'],
      ['hold', 'completed'],
      ['after', 'completed'],
    ]);
    // a page of one, at an offset
    const second = await client.getExecutionTasks(run.id, { limit: 1, offset: 1 });
    expect(second).toMatchObject({ total: 3, limit: 1, offset: 1, last_seq: record.last_seq });
    expect(second.items.map((t) => t.task_id)).toEqual(['hold']);
  });

  it("answers one task with its input, output and a page of a fan-out's items", async () => {
    const [run] = (await client.listExecutions({ workflowRef: 'tasks.fan' })).items;
    if (!run) throw new Error('no execution');
    const after = await client.getExecutionTask(run.id, 'after');
    expect(after).toMatchObject({ task: { task_id: 'after', status: 'completed' }, input: { message: 'done' }, items: null });
    expect(after.output).toBeDefined();
    const each = await client.getExecutionTask(run.id, 'each', { itemOffset: 200, itemLimit: 100 });
    expect(each.items).toMatchObject({ total: 250, limit: 100, offset: 200 });
    expect(each.items?.items).toHaveLength(50);
    expect(each.items?.items[0]).toEqual({ index: 200, attempt: 1, outcome: 'completed' });
  });

  it('refuses a task the execution does not have, an unknown execution and a bad item page', async () => {
    const [run] = (await client.listExecutions({ workflowRef: 'tasks.fan' })).items;
    if (!run) throw new Error('no execution');
    const unknownTask = await h.call(`GET`, `/api/v1/executions/${run.id}/tasks/biuld`);
    expect(unknownTask.status).toBe(400);
    expect(unknownTask.body).toMatchObject({ error: { code: 'USAGE_INVALID' } });
    const unknown = await h.call('GET', '/api/v1/executions/nope/tasks');
    expect(unknown.status).toBe(404);
    const badLimit = await h.call('GET', `/api/v1/executions/${run.id}/tasks/each?item_limit=0`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body).toMatchObject({ error: { code: 'REQUEST_INVALID', details: { parameter: 'item_limit' } } });
    const badPage = await h.call('GET', `/api/v1/executions/${run.id}/tasks?limit=5000`);
    expect(badPage.status).toBe(400);
  });

  it('answers a pending task of a running execution that has no event yet', async () => {
    const held = createGate();
    const local = await openServer({ actions: { 'test.gate': held.action } });
    try {
      await registerDirect(local.store, 'tasks.wait', workflowBody([{ id: 'hold', action: 'test.gate' }, { id: 'next', action: 'core.noop', depends_on: ['hold'] }]));
      const localClient = createClient({ baseUrl: local.url });
      const run = await localClient.executeWorkflow({ workflow_ref: 'tasks.wait' });
      await held.entered;
      const next = await localClient.getExecutionTask(run.id, 'next');
      expect(next.task).toMatchObject({ task_id: 'next', status: 'pending', attempts: [] });
      expect(next.input).toBeUndefined();
    } finally {
      held.open();
      await local.close();
    }
  });

  it('reads a history once: a second read folds on from the seq the first stopped at', async () => {
    const [run] = (await client.listExecutions({ workflowRef: 'tasks.fan' })).items;
    if (!run) throw new Error('no execution');
    const reads: number[] = [];
    const tasks = createExecutionTaskUseCases({
      readEvents: (id, afterSeq, limit) => {
        reads.push(afterSeq ?? 0);
        return h.engine.readEvents(id, afterSeq, limit);
      },
      getDetail: (id) => h.engine.getDetail(id),
    });
    const first = await tasks.getExecutionTasks(run.id);
    const second = await tasks.getExecutionTask(run.id, 'each');
    expect(second.last_seq).toBe(first.last_seq);
    // the first read starts at 0; every later one after the seq already folded
    expect(reads[0]).toBe(0);
    expect(reads.slice(1).every((after) => after === first.last_seq)).toBe(true);
    expect(reads.filter((after) => after === 0)).toHaveLength(1);
  });

  it('keeps folds within a byte bound: large outputs push the least recently read out, and one too large is not kept', async () => {
    // each run holds its echo's input and output, ~2 × 200 KB as JSON
    await registerDirect(h.store, 'tasks.large', workflowBody([{ id: 'big', action: 'core.echo', input: { message: 'x'.repeat(200_000) } }]));
    const runs: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const run = await client.executeWorkflow({ workflow_ref: 'tasks.large' });
      await client.waitForCompletion(run.id, { timeoutMs: 30_000 });
      runs.push(run.id);
    }
    const fresh: string[] = [];
    const tasks = createExecutionTaskUseCases(
      {
        readEvents: (id, afterSeq, limit) => {
          if ((afterSeq ?? 0) === 0) fresh.push(id);
          return h.engine.readEvents(id, afterSeq, limit);
        },
        getDetail: (id) => h.engine.getDetail(id),
      },
      { maxBytes: 1_000_000 },
    );
    const [a, b, c] = runs as [string, string, string];
    for (const id of [a, b]) expect((await tasks.getExecutionTask(id, 'big')).output).toEqual({ message: 'x'.repeat(200_000) });
    await tasks.getExecutionTasks(a);
    expect(fresh).toEqual([a, b]);
    // a third run does not fit beside the two: the least recently read (b) goes
    await tasks.getExecutionTasks(c);
    await tasks.getExecutionTasks(a);
    await tasks.getExecutionTasks(b);
    expect(fresh).toEqual([a, b, c, b]);

    const small = createExecutionTaskUseCases(
      {
        readEvents: (id, afterSeq, limit) => {
          if ((afterSeq ?? 0) === 0) fresh.push(id);
          return h.engine.readEvents(id, afterSeq, limit);
        },
        getDetail: (id) => h.engine.getDetail(id),
      },
      { maxBytes: 100_000 },
    );
    fresh.length = 0;
    expect((await small.getExecutionTasks(a)).status).toBe('completed');
    expect((await small.getExecutionTasks(a)).status).toBe('completed');
    expect(fresh).toEqual([a, a]);
  });
});
