import type { EngineContext } from './engine-context.js';
import type { ExecutionRunner } from './runner.js';

/**
 * Stops a runner the engine no longer drives (already out of `runners`) and records it in
 * `leaving` until its queued writes settle. Those writes are fenced by the node's current
 * token for the execution, not by the token they were made under: were the execution
 * carried on here again first, a stale step could land in its history, or the new
 * runner's first step collide with it.
 */
export function leave(ctx: EngineContext, runner: ExecutionRunner): Promise<void> {
  const id = runner.id;
  const previous = ctx.leaving.get(id);
  const done: Promise<void> = Promise.all([previous, runner.detach().catch(() => undefined)]).then(() => {
    if (ctx.leaving.get(id) === done) ctx.leaving.delete(id);
  });
  ctx.leaving.set(id, done);
  return done;
}
