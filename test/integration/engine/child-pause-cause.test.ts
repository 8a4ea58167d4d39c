/**
 * A parent's resume undoes only the pause its own pause passed on to a child: a child an
 * operator paused on its own stays paused (and its parent keeps waiting for it), also after a
 * restart, since the cause of a pause is recorded in the child's workflow_paused event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import { actionsWith, gate, handler, openHarness, register, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const hang = (entered: { open: () => void }) =>
  handler(async (_input, _attempt, signal) => {
    entered.open();
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return { value: 'hung' };
  });

async function parentWithChild(): Promise<{ parent: string; child: string }> {
  const entered = gate();
  h = await openHarness({ 'test.hang': hang(entered) });
  await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.hang' }]));
  await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }]));
  const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
  await entered.promise;
  const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0]?.id ?? '';
  return { parent: run.id, child };
}

describe('pause and resume of a parent and its sub-workflow', () => {
  it('records the parent as the cause of a pause it passed on, and resumes that child with it', async () => {
    const { parent, child } = await parentWithChild();
    const engine = h!.engine;
    await engine.pause(parent);
    const paused = (await engine.readEvents(child)).filter((e) => e.event_type === 'workflow_paused');
    expect(paused.map((e) => e.data)).toEqual([{ by_parent: parent }]);
    await engine.resume(parent);
    expect((await engine.getExecution(child)).status).toBe('running');
  });

  it('leaves a child paused on its own paused when its parent is paused and resumed', async () => {
    const { parent, child } = await parentWithChild();
    const engine = h!.engine;
    await engine.pause(child);
    await engine.pause(parent);
    expect((await engine.resume(parent)).status).toBe('running');
    expect((await engine.getExecution(child)).status).toBe('paused');
    expect((await engine.getStatus(parent)).task_statuses.sub?.status).toBe('running');
    const paused = (await engine.readEvents(child)).filter((e) => e.event_type === 'workflow_paused');
    expect(paused.map((e) => e.data)).toEqual([{}]);
    expect((await engine.resume(child)).status).toBe('running');
  });

  it('makes a pause the operator gives a child its own, when the child was paused by its parent', async () => {
    const { parent, child } = await parentWithChild();
    const engine = h!.engine;
    await engine.pause(parent);
    expect((await engine.pause(child)).status).toBe('paused');
    await engine.resume(parent);
    expect((await engine.getExecution(child)).status).toBe('paused');
    const paused = (await engine.readEvents(child)).filter((e) => e.event_type === 'workflow_paused');
    expect(paused.map((e) => e.data)).toEqual([{ by_parent: parent }, {}]);
  });

  it('keeps the cause of a pause across a restart', async () => {
    const { parent, child } = await parentWithChild();
    await h!.engine.pause(child);
    await h!.engine.pause(parent);
    await h!.engine.stop();
    const engine2 = createEngine({ store: await h!.reopen(), actions: actionsWith({ 'test.hang': handler(() => ({ value: 'done' })) }) });
    await engine2.start();
    try {
      await engine2.resume(parent);
      expect((await engine2.getExecution(child)).status).toBe('paused');
      await engine2.resume(child);
      expect((await engine2.waitForCompletion(parent)).status).toBe('completed');
    } finally {
      await engine2.stop();
    }
  });
});
