/**
 * An execution is finished only once the commit of the step that finished it has landed.
 * Steps of one execution can be at the write queue in two batches (a plain step's batch is
 * committing while the step that ends the execution is decided): the earlier batch's commit
 * must not end the execution on the strength of a later step that is not durable yet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { CommitSteps, ExecutionRepo, Store } from '../../../src/store/store.js';
import { actionsWith, gate, handler, register, workflow } from './helpers.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The store with each one-statement commit held until the test releases it, in order. */
function holdCommits(store: Store): { store: Store; held: Array<() => void>; asked: () => number } {
  const held: Array<() => void> = [];
  const executions: ExecutionRepo = Object.create(store.executions) as ExecutionRepo;
  executions.commitSteps = async (steps: CommitSteps) => {
    await new Promise<void>((resolve) => held.push(resolve));
    return store.executions.commitSteps?.(steps);
  };
  const wrapped: Store = Object.create(store) as Store;
  Object.defineProperty(wrapped, 'executions', { value: executions });
  return { store: wrapped, held, asked: () => held.length };
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('finishing an execution', () => {
  it('waits for the commit of the step that ended it, not an earlier step\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-finish-'));
    const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close());
    const hold = holdCommits(store);
    // Whatever an assertion left held is let go, so the engine can stop.
    cleanup.push(() => hold.held.forEach((release) => release()));
    const slow = gate();
    const engine: Engine = createEngine({
      store: hold.store,
      actions: actionsWith({ 'test.fast': handler(() => 'a'), 'test.slow': handler(() => slow.promise.then(() => 'b')) }),
    });
    await engine.start();
    cleanup.push(() => engine.stop());
    await register(store, 'demo.two', workflow([{ id: 'a', action: 'test.fast' }, { id: 'b', action: 'test.slow' }]));
    const run = await engine.startExecution({ workflow_ref: 'demo.two' });
    let finished = false;
    const done = engine.waitForCompletion(run.id).then((state) => {
      finished = true;
      return state;
    });
    // a's completion is at the database (held) when b's arrives and ends the execution.
    while (hold.asked() < 1) await turn();
    slow.open();
    for (let i = 0; i < 5; i += 1) await turn();
    expect(hold.asked()).toBe(1);
    hold.held[0]?.();
    // The ending step's commit is asked for once a's has landed, and held.
    while (hold.asked() < 2) await turn();
    for (let i = 0; i < 5; i += 1) await turn();
    expect(finished).toBe(false);
    expect((await store.executions.getExecution(run.id))?.status).toBe('running');
    hold.held[1]?.();
    expect((await done).status).toBe('completed');
    expect((await store.executions.getExecution(run.id))?.status).toBe('completed');
  });
});
