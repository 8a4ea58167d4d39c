/**
 * The engine's own reads (getExecution, getStatus, getDetail, getSummary) show a secret input
 * masked to an in-process caller, while the execution runs (its state in memory holds the real
 * value its tasks are given) and after; and an engine starting many executions, each with a
 * secret of its own, masks every one of them wherever its task shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../../src/core/secret-text.js';
import { gate, handler, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness;
const held = gate();
const given: string[] = [];

beforeAll(async () => {
  h = await openHarness({
    'test.echo': handler((input) => {
      given.push(String(input.token));
      return { echoed: `the token is ${String(input.token)}` };
    }),
    'test.hold': handler(async (input) => {
      await held.promise;
      throw typedError('REFUSED', `refused ${String(input.token)}`, false);
    }),
  });
  const input = { token: { type: 'string' as const, secret: true } };
  await register(
    h.store,
    'demo.reads',
    workflow(
      [
        { id: 'echo', action: 'test.echo', input: { token: '${input.token}' } },
        { id: 'hold', action: 'test.hold', input: { token: '${input.token}' }, depends_on: ['echo'] },
      ],
      { input, output: { echoed: '${tasks.echo.output.echoed}' } },
    ),
  );
  await register(h.store, 'demo.many', workflow([{ id: 'echo', action: 'test.echo', input: { token: '${input.token}' } }], { input, output: { echoed: '${tasks.echo.output.echoed}' } }));
});
afterAll(async () => {
  await h.close();
});

describe('the engine reads of an execution with a secret input', () => {
  it('show it masked to an in-process caller while the execution runs and once it has failed quoting it', async () => {
    const token = 'tk-reads-0123456789abcdef';
    const started = await h.engine.startExecution({ workflow_ref: 'demo.reads', input: { token } });
    expect(JSON.stringify(started)).not.toContain(token);
    const reads = async (): Promise<string> =>
      JSON.stringify([
        await h.engine.getExecution(started.id),
        await h.engine.getStatus(started.id),
        await h.engine.getDetail(started.id),
        await h.engine.getSummary(started.id),
      ]);
    // Held in its second task: the execution is driven here, its state in memory.
    while ((await h.engine.getStatus(started.id)).task_statuses.hold?.status !== 'running') await new Promise((resolve) => setImmediate(resolve));
    expect(given).toContain(token);
    const running = await reads();
    expect(running).not.toContain(token);
    expect(running).toContain(MASK);
    held.open();
    const done = await h.engine.waitForCompletion(started.id);
    expect(done.status).toBe('failed');
    const failed = await reads();
    expect(failed).not.toContain(token);
    expect((await h.engine.getStatus(started.id)).task_statuses.hold?.error).toMatchObject({ message: `refused ${MASK}` });
    expect((await h.engine.getSummary(started.id)).output).toBeNull();
  });

  it('masks each of 300 executions’ own secrets, wherever each task shows its own', async () => {
    const tokens = Array.from({ length: 300 }, (_, i) => `tk-many-${String(i).padStart(4, '0')}-${'z'.repeat(20)}`);
    const ids = await Promise.all(tokens.map(async (token) => (await h.engine.startExecution({ workflow_ref: 'demo.many', input: { token } })).id));
    for (const [index, id] of ids.entries()) {
      const token = tokens[index] as string;
      const done = await h.engine.waitForCompletion(id);
      expect(done.status).toBe('completed');
      expect(done.output).toEqual({ echoed: `the token is ${MASK}` });
      const shown = JSON.stringify([await h.engine.getSummary(id), await h.engine.getStatus(id), await h.engine.readEvents(id)]);
      expect(shown).not.toContain(token);
      // Each execution's secret hidden in its base64 form too, however many others came after it.
      expect(h.engine.secrets.maskText(`x ${btoa(token)} y`)).toBe(`x ${MASK} y`);
    }
    expect(h.engine.secrets.size).toBeGreaterThanOrEqual(300);
  });
});
