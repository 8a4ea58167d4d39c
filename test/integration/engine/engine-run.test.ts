import { afterEach, describe, it, expect } from 'vitest';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine.startExecution()', () => {
  it('runs a data pipeline through ${tasks...} outputs', async () => {
    h = await openHarness({
      'data.fetch': handler((input) => ({ rows: [3, 1, 2].map((n) => n * Number(input.scale)) })),
      'data.transform': handler((input) => ({ sorted: [...(input.rows as number[])].sort((a, b) => a - b) })),
      'data.analyze': handler((input) => {
        const values = input.values as number[];
        return { count: values.length, max: Math.max(...values) };
      }),
    });
    await register(
      h.store,
      'data.pipeline',
      workflow(
        [
          { id: 'fetch', action: 'data.fetch', input: { scale: '${input.scale}' } },
          { id: 'transform', action: 'data.transform', depends_on: ['fetch'], input: { rows: '${tasks.fetch.output.rows}' } },
          { id: 'analyze', action: 'data.analyze', depends_on: ['transform'], input: { values: '${tasks.transform.output.sorted}' } },
        ],
        { input: { scale: { type: 'integer', default: 10 } }, output: { stats: '${tasks.analyze.output}', first: '${tasks.transform.output.sorted[0]}' } },
      ),
    );
    const run = await h.engine.startExecution({ workflow_ref: 'data.pipeline', input: {} });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ stats: { count: 3, max: 30 }, first: 10 });
    expect((await h.store.executions.getExecution(run.id))?.status).toBe('completed');
  });

  it('refuses bad input naming the field before anything runs', async () => {
    h = await openHarness();
    await register(h.store, 'demo.typed', workflow([{ id: 'a' }], { input: { env: { type: 'string', required: true, enum: ['staging', 'prod'] } } }));
    await expect(h.engine.startExecution({ workflow_ref: 'demo.typed', input: { env: 'dev' } })).rejects.toMatchObject({
      code: 'EXEC_INPUT_INVALID',
      details: { field: 'env' },
    });
    expect((await h.store.executions.listExecutions({})).total).toBe(0);
  });

  it('skips tasks whose condition is false and the tasks downstream of them', async () => {
    h = await openHarness();
    await register(
      h.store,
      'demo.cond',
      workflow(
        [
          { id: 'check', action: 'core.echo', input: { ok: '${input.deploy}' } },
          { id: 'deploy', depends_on: ['check'], condition: '${tasks.check.output.ok == true}' },
          { id: 'announce', depends_on: ['deploy'] },
          { id: 'report', depends_on: ['check'], condition: '${tasks.check.output.ok == false}' },
        ],
        { input: { deploy: { type: 'boolean', default: false } } },
      ),
    );
    const run = await h.engine.startExecution({ workflow_ref: 'demo.cond' });
    await h.engine.waitForCompletion(run.id);
    const status = await h.engine.getStatus(run.id);
    expect(Object.fromEntries(Object.entries(status.task_statuses).map(([id, t]) => [id, t.status]))).toEqual({
      check: 'completed',
      deploy: 'skipped',
      announce: 'skipped',
      report: 'completed',
    });
  });

  it('retries a failing task under fake time until it succeeds', async () => {
    const clock = new FakeClock();
    const attempts: number[] = [];
    h = await openHarness(
      {
        'test.flaky': handler((_input, attempt) => {
          attempts.push(attempt);
          if (attempt < 3) throw typedError('CONNECTION_ERROR', 'connection refused');
          return { attempt };
        }),
      },
      {},
      clock,
    );
    await register(h.store, 'demo.retry', workflow([{ id: 'call', action: 'test.flaky', retry: { max_attempts: 3, initial_delay_ms: 60_000, backoff_factor: 2, max_delay_ms: 600_000, jitter: 0 } }]));
    const engine = h.engine;
    const firstRetry = nextEvent(engine, (e) => e.event_type === 'retry_attempted');
    const run = await engine.startExecution({ workflow_ref: 'demo.retry' });
    expect((await firstRetry).data).toMatchObject({ attempt: 2, delay_ms: 60_000 });
    const secondRetry = nextEvent(engine, (e) => e.event_type === 'retry_attempted');
    clock.advance(60_000);
    expect((await secondRetry).data).toMatchObject({ attempt: 3, delay_ms: 120_000 });
    clock.advance(120_000);
    const done = await engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(attempts).toEqual([1, 2, 3]);
    expect((await engine.getStatus(run.id)).task_statuses.call).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('runs the on_error handler when retries are exhausted', async () => {
    h = await openHarness();
    await register(
      h.store,
      'demo.handled',
      workflow([
        { id: 'deploy', action: 'core.fail', input: { error_type: 'CONNECTION_ERROR', error_message: 'down', is_retriable: true }, retry: { max_attempts: 2, initial_delay_ms: 0 }, on_error: 'notify' },
        { id: 'after', depends_on: ['deploy'] },
        { id: 'notify', action: 'core.echo', input: { message: 'deploy failed: ${tasks.deploy.error.message}', attempt: '${tasks.deploy.error.attempt}' } },
      ], { output: { note: '${tasks.notify.output}' } }),
    );
    const run = await h.engine.startExecution({ workflow_ref: 'demo.handled' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ note: { message: 'deploy failed: down', attempt: 2 } });
    const status = await h.engine.getStatus(run.id);
    expect(status.task_statuses.deploy).toMatchObject({ status: 'failed', attempts: 2, handled_by: 'notify' });
    expect(status.task_statuses.after?.status).toBe('skipped');
  });

  it('fails a task that runs past its timeout with error type TIMEOUT', async () => {
    h = await openHarness();
    await register(h.store, 'demo.slow', workflow([{ id: 'slow', action: 'core.sleep', input: { ms: 30_000 }, timeout_ms: 50 }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.slow' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('TIMEOUT');
  });

  it('fans out over items and returns the results in item order', async () => {
    h = await openHarness({
      'test.square': handler(async (input) => {
        await new Promise((resolve) => setImmediate(resolve));
        return Number(input.n) ** 2;
      }),
    });
    await register(
      h.store,
      'demo.fan',
      workflow([{ id: 'sq', action: 'test.square', with_items: '${input.numbers}', concurrency: 2, input: { n: '${item}' } }], {
        input: { numbers: { type: 'array', required: true } },
        output: { squares: '${tasks.sq.output}' },
      }),
    );
    const run = await h.engine.startExecution({ workflow_ref: 'demo.fan', input: { numbers: [1, 2, 3, 4, 5] } });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ squares: [1, 4, 9, 16, 25] });
  });

  it('runs a sub-workflow as a child execution and takes its output', async () => {
    h = await openHarness();
    await register(h.store, 'demo.child', workflow([{ id: 'echo', action: 'core.echo', input: { doubled: '${input.n * 2}' } }], { input: { n: { type: 'integer', required: true } }, output: { value: '${tasks.echo.output.doubled}' } }));
    await register(h.store, 'demo.parent', workflow([{ id: 'call', action: 'core.workflow', input: { workflow: 'demo.child', input: { n: 21 } } }], { output: { child: '${tasks.call.output.value}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.parent' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ child: 42 });
    const children = (await h.store.executions.listExecutions({ workflow_ref: 'demo.child' })).items;
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ parent_execution_id: run.id, parent_task_id: 'call', status: 'completed' });
  });

  it('queues executions beyond max_concurrent_workflows as pending, in order', async () => {
    const first = { open: () => undefined as void };
    const release = new Promise<void>((resolve) => (first.open = resolve));
    h = await openHarness({ 'test.wait': handler(() => release) }, { max_concurrent_workflows: 1 });
    await register(h.store, 'demo.wait', workflow([{ id: 'w', action: 'test.wait' }]));
    const a = await h.engine.startExecution({ workflow_ref: 'demo.wait' });
    const b = await h.engine.startExecution({ workflow_ref: 'demo.wait' });
    expect(b.status).toBe('pending');
    expect((await h.engine.getExecution(b.id)).status).toBe('pending');
    first.open();
    expect((await h.engine.waitForCompletion(a.id)).status).toBe('completed');
    expect((await h.engine.waitForCompletion(b.id)).status).toBe('completed');
  });

  it('lets tasks read saved custom state as ${state.*}', async () => {
    const seen = { open: () => undefined as void };
    const entered = new Promise<void>((resolve) => (seen.open = resolve));
    const proceed = { open: () => undefined as void };
    const go = new Promise<void>((resolve) => (proceed.open = resolve));
    h = await openHarness({ 'test.hold': handler(async () => { seen.open(); await go; return {}; }) });
    await register(h.store, 'demo.state', workflow([{ id: 'hold', action: 'test.hold' }, { id: 'read', action: 'core.echo', depends_on: ['hold'], input: { user: '${state.user.name}' } }], { output: { user: '${tasks.read.output.user}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.state' });
    await entered;
    await h.engine.saveState(run.id, { user: { name: 'ada' } });
    expect(await h.engine.loadState(run.id)).toEqual({ user: { name: 'ada' } });
    proceed.open();
    expect((await h.engine.waitForCompletion(run.id)).output).toEqual({ user: 'ada' });
  });

  it('reports a summary and metrics of a finished execution', async () => {
    h = await openHarness();
    await register(h.store, 'demo.sum', workflow([{ id: 'a' }, { id: 'b', depends_on: ['a'], condition: '${false}' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.sum' });
    await h.engine.waitForCompletion(run.id);
    const summary = await h.engine.getSummary(run.id);
    expect(summary).toMatchObject({ status: 'completed', tasks: { total: 2, completed: 1, skipped: 1 }, attempts: 1 });
    const metrics = await h.engine.getMetrics(run.id);
    expect(metrics).toMatchObject({ event_count: 5, attempts: 1, retries: 0, events_by_type: { task_started: 1, task_skipped: 1 } });
  });
});
