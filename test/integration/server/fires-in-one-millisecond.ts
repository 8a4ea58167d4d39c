import { vi } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import type { CallResult, ServerHarness } from './server-harness.js';

/**
 * Sends `count` requests that each record a trigger fire, all received in one millisecond
 * (only Date stands still; timers run), counting the store's fire inserts. Restores Date and
 * the store, then waits for every execution the answers started.
 */
export async function firesInOneMillisecond(
  h: ServerHarness,
  count: number,
  send: () => Promise<CallResult<TriggerFireRecord>>,
): Promise<{ answers: Array<CallResult<TriggerFireRecord>>; inserts: number }> {
  const triggers = h.store.triggers;
  const insert = triggers.insertFire.bind(triggers);
  let inserts = 0;
  triggers.insertFire = (fire) => {
    inserts += 1;
    return insert(fire);
  };
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  let answers: Array<CallResult<TriggerFireRecord>>;
  try {
    answers = await Promise.all(Array.from({ length: count }, send));
  } finally {
    vi.useRealTimers();
    triggers.insertFire = insert;
  }
  for (const a of answers) if (a.body.execution_id) await h.engine.waitForCompletion(a.body.execution_id);
  return { answers, inserts };
}
