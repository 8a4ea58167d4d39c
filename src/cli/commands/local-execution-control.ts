/**
 * `harmonia execution <verb> --local`: a control applied in this process to an execution
 * of the embedded store (one `harmonia run` started, or left behind when it was killed).
 * Nothing else drives such an execution, so when the control leaves it running (resume,
 * retry, rerun, skip, a cancel waiting for its tasks) this process carries it to its end,
 * printing progress as `harmonia run` does.
 */
import { HarmoniaError, isHarmoniaError } from '../../core/errors.js';
import type { ExecutionRecord } from '../../core/model.js';
import type { Engine } from '../../engine/engine-api.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { createLocalEngine } from './local-engine.js';
import { printJson } from './remote-client.js';
import { progressLine } from './run.js';

/** The control verbs of `harmonia execution`. */
export type ControlVerb = 'pause' | 'resume' | 'cancel' | 'terminate' | 'retry' | 'rerun' | 'skip';

function apply(engine: Engine, verb: ControlVerb, id: string, taskId: string | undefined): Promise<ExecutionRecord> {
  switch (verb) {
    case 'pause':
      return engine.pause(id);
    case 'resume':
      return engine.resume(id);
    case 'cancel':
      return engine.cancel(id);
    case 'terminate':
      return engine.terminate(id);
    case 'retry':
      return engine.retry(id);
    case 'rerun':
      return engine.rerunFrom(id, taskId ?? '');
    case 'skip':
      return engine.skipTask(id, taskId ?? '');
  }
}

// Codes about what was asked (exit 1), as the remote commands map 404 and 409.
const PROBLEMS = new Set<string>(['EXEC_NOT_FOUND', 'EXEC_INVALID_STATE', 'EXEC_PARENT_FINISHED']);

/** Applies a control locally; resolves to the exit code (0 applied, and completed when this process drove it on). */
export async function controlExecutionLocally(
  ctx: CliContext,
  verb: ControlVerb,
  id: string,
  taskId: string | undefined,
  flags: { json?: boolean },
): Promise<number> {
  const config = ctx.config();
  try {
    if (config.store.kind === 'postgres') {
      throw new HarmoniaError('USAGE_INVALID', 'executions on PostgreSQL are driven by the server nodes; control them with --url, not --local');
    }
    return await withStore(config, ctx.cwd, async (store) => {
      const record = await store.executions.getExecution(id);
      if (!record) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' does not exist in the local store; is it on a server (--url)?`);
      // One engine per embedded database: refused (STORE_LOCKED, naming it) while a server or a run drives it.
      store.claimEngine?.({ pid: process.pid, command: `harmonia execution ${verb} --local` });
      const engine = await createLocalEngine(ctx, config, store);
      const off = engine.bus.subscribe({}, (event) => {
        if (flags.json || event.execution_id !== id) return;
        const line = progressLine(event, '');
        if (line !== null) ctx.stderr.write(`${line}\n`);
      });
      try {
        // Unfinished and driven by no process (a killed `harmonia run`): this engine carries it on first.
        if (record.status === 'running' || record.status === 'paused') await engine.adopt(id);
        const result = await apply(engine, verb, id, taskId);
        if (flags.json) printJson(ctx, { execution_id: result.id, status: result.status });
        else ctx.stdout.write(`execution ${result.id}: ${result.status}${taskId === undefined ? '' : ` (${verb} ${taskId})`}\n`);
        if (result.status !== 'running') return EXIT.ok;
        const done = await engine.waitForCompletion(id);
        if (!flags.json) ctx.stderr.write(`execution ${done.id} ${done.status}${done.error ? `: ${done.error.type}: ${done.error.message}` : ''}\n`);
        const wanted = done.status === 'completed' || (done.status === 'canceled' && (verb === 'cancel' || verb === 'terminate'));
        return wanted ? EXIT.ok : EXIT.problems;
      } finally {
        off();
        await engine.stop();
      }
    });
  } catch (error) {
    if (!isHarmoniaError(error)) throw error;
    if (flags.json) printJson(ctx, { error: { code: error.code, message: error.message, details: error.details } });
    ctx.stderr.write(`harmonia: ${error.message} (${error.code})\n`);
    return PROBLEMS.has(error.code) ? EXIT.problems : EXIT.usage;
  }
}
