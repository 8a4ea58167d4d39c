// The process the crash test kills: opens the SQLite store and the engine from dist/
// (built by `npm test` before vitest runs), carries on any unfinished execution, and
// starts the workflow again each time one completes — until the test creates the
// `<log>.finish` file. Each task run is appended to a log file (and echoed on stdout)
// so the test knows where it killed us.
import { appendFileSync, existsSync } from 'node:fs';
import { createEngine } from '../../../dist/engine/index.js';
import { createSqliteStore } from '../../../dist/store/sqlite/sqlite-store.js';

const [dbFile, logFile] = process.argv.slice(2);
const LAYERS = 10;
const WIDTH = 4;

const log = (line) => {
  appendFileSync(logFile, `${line}\n`);
  process.stdout.write(`LOG ${line}\n`);
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

const action = {
  async run(input, ctx) {
    log(`start ${ctx.execution_id} ${ctx.task_id} ${ctx.attempt}`);
    for (let i = 0; i < 3; i += 1) await turn();
    log(`done ${ctx.execution_id} ${ctx.task_id} ${ctx.attempt}`);
    return { status: 'success', data: { task: ctx.task_id, attempt: ctx.attempt } };
  },
};

const tasks = [];
for (let layer = 0; layer < LAYERS; layer += 1) {
  for (let j = 0; j < WIDTH; j += 1) {
    tasks.push({
      id: `t${layer}_${j}`,
      action: 'crash.step',
      depends_on: layer === 0 ? [] : Array.from({ length: WIDTH }, (_, k) => `t${layer - 1}_${k}`),
      input: {},
      retry: { max_attempts: 100, initial_delay_ms: 0, backoff_factor: 1, max_delay_ms: 0, jitter: 0 },
    });
  }
}

const store = createSqliteStore({ file: dbFile });
const engine = createEngine({ store, actions: { resolve: () => action }, config: { max_concurrent_tasks: WIDTH } });
if (!(await store.registry.getActive('workflow', 'crash.flow'))) {
  await store.registry.addVersion({
    kind: 'workflow', ref: 'crash.flow', pack_ref: 'crash', content_hash: 'crash', source: '', file: 'workflows/flow.yaml',
    origin: { source: 'local' },
    body: { version: '1.0.0', input: {}, context: {}, output: { last: '${tasks.t9_0.output.task}' }, error_handlers: [], tasks },
  });
}
await engine.start();
for (;;) {
  let [open] = await store.executions.listUnfinished();
  if (!open) {
    if (existsSync(`${logFile}.finish`)) break;
    open = await engine.startExecution({ workflow_ref: 'crash.flow', input: {} });
  }
  const done = await engine.waitForCompletion(open.id);
  process.stdout.write(`COMPLETED ${done.id} ${done.status}\n`);
  if (done.status !== 'completed') {
    process.stderr.write(`execution ${done.id} ended ${done.status}: ${JSON.stringify(done.error)}\n`);
    process.exit(1);
  }
}
await engine.stop();
await store.close();
process.stdout.write('DONE\n');
