// The engine the crash test kills: a real SQLite store and engine from dist/ (built by
// `npm test`), real pack scripts. It registers the plan's workflows and starts its
// executions once (printing STARTED), carries on whatever is unfinished, echoes each
// event as `EV <type>` so the test can pick a moment to kill it, and prints
// `ALLDONE <free slots>` when every planned execution has ended.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createActionRegistry } from '../../../dist/actions/action-registry.js';
import { createEngine } from '../../../dist/engine/index.js';
import { createSqliteStore } from '../../../dist/store/sqlite/sqlite-store.js';

const [dataDir, packsDir, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const idsFile = join(dataDir, 'ids.json');

const store = createSqliteStore({ file: join(dataDir, 'harmonia.db') });
store.claimEngine({ pid: process.pid, command: 'chaos engine' });
const actionDef = plan.action;
const actions = createActionRegistry({
  packs: (ref) => (ref === 'chaos' ? { dir: join(packsDir, 'chaos'), actions: new Map([['chaos.step', actionDef]]) } : null),
  parent_env: { PATH: process.env.PATH },
  kill_grace_ms: 200,
});
const engine = createEngine({ store, actions, config: { ...plan.config, packs_dir: packsDir } });
engine.bus.subscribe({}, (event) => process.stdout.write(`EV ${event.event_type}\n`));
process.once('SIGTERM', () => {
  void engine.stop().then(() => store.close()).then(() => {
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
await engine.start();
let ids;
if (existsSync(idsFile)) ids = JSON.parse(readFileSync(idsFile, 'utf8'));
else {
  ids = [];
  for (const run of plan.executions) ids.push((await engine.startExecution({ workflow_ref: run.ref, input: run.input })).id);
  writeFileSync(idsFile, JSON.stringify(ids));
}
process.stdout.write('STARTED\n');
await Promise.all(ids.map((id) => engine.waitForCompletion(id)));
const free = engine.capacity();
await engine.stop();
await store.close();
process.stdout.write(`ALLDONE ${free}\n`);
