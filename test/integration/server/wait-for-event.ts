import type { ExecutionEvent } from '../../../src/core/model.js';
import type { Engine } from '../../../src/engine/index.js';

/** Resolves with the first event of an execution (past or future) that matches. */
export async function waitForEvent(engine: Engine, executionId: string, match: (e: ExecutionEvent) => boolean): Promise<ExecutionEvent> {
  return new Promise((resolve, reject) => {
    let done = false;
    const unsubscribe = engine.bus.subscribe({ execution_id: executionId }, (event) => {
      if (done || !match(event)) return;
      done = true;
      unsubscribe();
      resolve(event);
    });
    engine.readEvents(executionId, 0).then((events) => {
      const found = events.find(match);
      if (found && !done) {
        done = true;
        unsubscribe();
        resolve(found);
      }
    }, reject);
  });
}
