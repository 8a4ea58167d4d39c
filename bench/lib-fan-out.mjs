// What bench/scale.mjs and bench/pg-work.mjs share: their command line, the database, and
// the fan-out workload (root → <width> parallel no-op tasks → join) that both run on
// Harmonia and, as plain jobs, on graphile-worker.
import { randomBytes, randomUUID } from 'node:crypto';

const args = process.argv.slice(2);

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};

/** Whether `--name` is on the command line. */
export const hasFlag = (name) => args.includes(`--${name}`);

export const DATABASE_URL = process.env.HARMONIA_BENCH_DATABASE_URL || process.env.HARMONIA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The workload's size from --width and --tasks: whole executions of width + 2 tasks. */
export function fanOutSize(defaultTasks) {
  const width = Number(arg('width', 48));
  const perExecution = width + 2;
  const executions = Math.max(1, Math.round(Number(arg('tasks', defaultTasks)) / perExecution));
  return { width, perExecution, executions, tasks: executions * perExecution };
}

export const noop = { run: async () => ({ status: 'success', data: {} }) };

/** A fresh schema name, so runs on a shared database never meet. */
export const schemaName = () => `bench_${randomBytes(5).toString('hex')}`;

function fanOutBody(width) {
  const task = (id, depends_on) => ({ id, action: 'bench.noop', depends_on, input: {} });
  const middle = Array.from({ length: width }, (_, i) => task(`m${i}`, ['root']));
  return { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks: [task('root', []), ...middle, task('join', middle.map((t) => t.id))] };
}

/** Registers the fan-out workflow `bench.fan` in the store's registry. */
export function registerFanOut(store, width) {
  return store.registry.addVersion({
    kind: 'workflow', ref: 'bench.fan', pack_ref: 'bench', content_hash: 'bench', body: fanOutBody(width), source: '', file: 'workflows/fan.yaml', origin: { source: 'local' },
  });
}

/** Inserts `count` pending, unclaimed executions of `workflow` in one transaction. */
export async function insertPendingExecutions(store, workflow, count) {
  const at = new Date().toISOString();
  await store.transaction(async (tx) => {
    for (let i = 0; i < count; i += 1) {
      await tx.executions.createExecution({
        id: randomUUID(), workflow_id: workflow.id, workflow_ref: 'bench.fan', workflow_version: workflow.version, status: 'pending', input: {},
        output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0,
      });
    }
  });
}

/**
 * A fresh graphile-worker schema holding `count` no-op jobs (queued a thousand per call),
 * the task list that runs them, and a promise that resolves when it has run them all.
 */
export async function queueNoopJobs(makeWorkerUtils, count) {
  const schema = schemaName();
  const utils = await makeWorkerUtils({ connectionString: DATABASE_URL, schema });
  await utils.migrate();
  for (let i = 0; i < count; i += 1000) {
    await utils.addJobs(Array.from({ length: Math.min(1000, count - i) }, () => ({ identifier: 'noop', payload: {} })));
  }
  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  const taskList = { noop: async () => { done += 1; if (done === count) finished(); } };
  return { schema, utils, taskList, allDone };
}
