// The engine the crash test kills: a real store and engine from dist/ (built by `npm test`),
// real pack scripts. Usage:
//   engine-process.mjs PLAN DATA_DIR PACKS_DIR sqlite
//   engine-process.mjs PLAN DATA_DIR PACKS_DIR postgres URL SCHEMA NODE_ID
// The first process registers the plan's workflows and starts its executions (ids.json);
// every process carries on whatever is unfinished (SQLite: all of it; PostgreSQL: what its
// node claims), echoes each event as `EV <type>` so the test can pick a moment to kill it,
// and prints `ALLDONE <free slots>` when every planned execution has ended.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActionRegistry } from '../../../dist/actions/action-registry.js';

const [planFile, dataDir, packsDir, backend, url, schema, nodeId] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const idsFile = join(dataDir, 'ids.json');

const actions = createActionRegistry({
  packs: (ref) => (ref === 'chaos' ? { dir: join(packsDir, 'chaos'), actions: new Map([['chaos.step', plan.action]]) } : null),
  parent_env: { PATH: process.env.PATH },
  kill_grace_ms: 200,
});
const config = { ...plan.config, packs_dir: packsDir };

let store;
let engine;
let close;
if (backend === 'postgres') {
  const { createPostgresStore } = await import('../../../dist/store/postgres/postgres-store.js');
  const { createNode } = await import('../../../dist/cluster/index.js');
  store = await createPostgresStore({ url, schema, pool_size: 4 });
  const quiet = { info: () => undefined, warn: () => undefined, error: (m, f) => process.stderr.write(`${nodeId} ${m} ${JSON.stringify(f ?? {})}\n`) };
  const node = createNode({ store, actions, node_id: nodeId, logger: quiet, lease_ms: 1500, claim_interval_ms: 200, shutdown_grace_ms: 0, config });
  engine = node.engine;
  engine.bus.subscribe({}, (event) => process.stdout.write(`EV ${event.event_type}\n`));
  await node.start();
  close = () => node.close({ grace_ms: 0 });
} else {
  const { createEngine } = await import('../../../dist/engine/index.js');
  const { createSqliteStore } = await import('../../../dist/store/sqlite/sqlite-store.js');
  store = createSqliteStore({ file: join(dataDir, 'harmonia.db') });
  store.claimEngine({ pid: process.pid, command: 'chaos engine' });
  engine = createEngine({ store, actions, config });
  engine.bus.subscribe({}, (event) => process.stdout.write(`EV ${event.event_type}\n`));
  close = () => engine.stop();
}
process.once('SIGTERM', () => {
  void close().then(() => store.close()).then(() => {
    process.stdout.write('STOPPED\n');
    process.exit(0);
  });
});

for (const workflow of plan.workflows) {
  if (!(await store.registry.getActive('workflow', workflow.ref))) {
    await store.registry.addVersion({
      kind: 'workflow', ref: workflow.ref, pack_ref: 'chaos', content_hash: workflow.ref, source: '', file: `workflows/${workflow.ref}.yaml`,
      origin: { source: 'local' }, body: workflow.body,
    });
  }
}
if (backend !== 'postgres') await engine.start();
let ids;
if (existsSync(idsFile)) ids = JSON.parse(readFileSync(idsFile, 'utf8'));
else {
  ids = [];
  for (const run of plan.executions) ids.push((await engine.startExecution({ workflow_ref: run.ref, input: run.input })).id);
  writeFileSync(`${idsFile}.tmp`, JSON.stringify(ids));
  renameSync(`${idsFile}.tmp`, idsFile);
}
process.stdout.write('STARTED\n');
await Promise.all(ids.map((id) => engine.waitForCompletion(id)));
const free = engine.capacity();
await close();
await store.close();
process.stdout.write(`ALLDONE ${free}\n`);
