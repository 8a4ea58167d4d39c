import type { Engine } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { getExecutionRecord } from './execution-record.js';
import type { RunnerFactory } from './runner-factory.js';
import { metricsOf, statusReport, summaryOf } from './summary.js';

/** The read side of executions and their custom state (the Engine methods of the same names). */
export type ExecutionQueries = Pick<
  Engine,
  'getExecution' | 'changeMark' | 'changeMarkNow' | 'getStatus' | 'getDetail' | 'getSummary' | 'getMetrics' | 'readEvents' | 'readLogs' | 'lastLogSeq' | 'followLogs' | 'saveState' | 'loadState'
>;

/**
 * Creates the engine's queries of executions and their custom state. What they answer is
 * masked as the store holds it, whoever asks: a driven execution's state in memory holds the
 * real values its tasks are given (a secret input, an output quoting it), and an in-process
 * caller (the CLI, a library user, the server's own use cases) is shown no more than the API is.
 */
export function createExecutionQueries(ctx: EngineContext, runnerFactory: RunnerFactory): ExecutionQueries {
  const { store, clock, runners, secrets } = ctx;
  return {
    getExecution: async (id) => secrets.maskShared(await getExecutionRecord(ctx, id)),
    async changeMark(id) {
      // A driven execution's state in memory runs ahead of its rows.
      if (runners.has(id) || store.executions.changeMark === undefined) return null;
      const mark = await store.executions.changeMark(id);
      return runners.has(id) ? null : mark;
    },
    changeMarkNow(id) {
      if (runners.has(id)) return null;
      const executions = store.executions;
      if (executions.changeMarkNow === undefined) return executions.changeMark === undefined ? null : undefined;
      return executions.changeMarkNow(id);
    },
    async getStatus(id) {
      const { plan, state, record } = await runnerFactory.read(id);
      return secrets.maskShared(statusReport(plan, state, record));
    },
    async getDetail(id) {
      const { plan, state, record } = await runnerFactory.read(id);
      return { record: secrets.maskShared(record), status: secrets.maskShared(statusReport(plan, state, record)) };
    },
    async getSummary(id) {
      const { plan, state, record } = await runnerFactory.read(id);
      return secrets.maskShared(summaryOf(plan, state, record, clock.now()));
    },
    async getMetrics(id) {
      const { plan, state } = await runnerFactory.read(id);
      return metricsOf(state, await store.executions.readEvents(id), clock.now(), plan);
    },
    async readEvents(id, afterSeq = 0, limit) {
      await getExecutionRecord(ctx, id);
      return store.executions.readEvents(id, afterSeq, limit);
    },
    async readLogs(id, query) {
      await getExecutionRecord(ctx, id);
      // Lines this engine holds in its batch are read too, so a reader never misses its own writes.
      await ctx.logs.flush();
      return store.executions.readLogs(id, query);
    },
    async lastLogSeq(id) {
      await ctx.logs.flush();
      return store.executions.lastLogSeq(id);
    },
    followLogs: (listener) => ctx.logs.subscribe(listener),
    async saveState(id, value) {
      await getExecutionRecord(ctx, id);
      await store.executions.saveState(id, value);
      const runner = runners.get(id);
      if (runner) runner.ctx.custom_state = value;
    },
    async loadState(id) {
      await getExecutionRecord(ctx, id);
      return store.executions.loadState(id);
    },
  };
}
