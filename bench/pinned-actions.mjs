// Pack script actions: executions pinned to their registered scripts (read through the
// store, run from <data>/action-cache) against the unpinned baseline (a snapshot of the
// registry in memory, scripts run from the pack folder), in the same process and run.
// Run: npm run build && node bench/pinned-actions.mjs [--executions 200] [--tasks 5]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createActionRegistry } from '../dist/actions/action-registry.js';
import { createEngine } from '../dist/engine/index.js';
import { createPackSyncService } from '../dist/packs/sync-packs.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const EXECUTIONS = arg('executions', 200);
const TASKS = arg('tasks', 5);

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-pinned-'));
const packs = join(dir, 'packs');
const tools = join(packs, 'tools');
mkdirSync(join(tools, 'actions'), { recursive: true });
mkdirSync(join(tools, 'workflows'), { recursive: true });
writeFileSync(join(tools, 'pack.yaml'), 'ref: tools\nversion: 1.0.0\n');
writeFileSync(join(tools, 'actions', 'step.yaml'), 'runner: shell\nentry_point: step.sh\nparameters: {}\n');
writeFileSync(join(tools, 'actions', 'step.sh'), '#!/bin/sh\necho \'{"ok": true}\'\n');
const tasks = Array.from({ length: TASKS }, (_, i) => `  t${i}:\n    action: tools.step\n${i === 0 ? '' : `    depends_on: [t${i - 1}]\n`}`).join('');
writeFileSync(join(tools, 'workflows', 'chain.yaml'), `version: 1.0.0\ntasks:\n${tasks}`);

const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
await createPackSyncService({ store, packsDir: packs }).syncAll();
const active = await store.registry.listActive({ kind: 'action', limit: 1000 });
const snapshot = new Map(active.items.map((record) => [record.ref, record.body]));
const parent_env = { PATH: process.env.PATH };

async function measure(label, actions) {
  const engine = createEngine({ store, actions, config: { max_concurrent_workflows: 50, packs_dir: packs } });
  await engine.start();
  const started = performance.now();
  const runs = [];
  for (let i = 0; i < EXECUTIONS; i += 1) runs.push(engine.startExecution({ workflow_ref: 'tools.chain' }).then((run) => engine.waitForCompletion(run.id)));
  const done = await Promise.all(runs);
  const ms = performance.now() - started;
  await engine.stop();
  if (done.some((run) => run.status !== 'completed')) throw new Error(`${label}: an execution did not complete`);
  const perSecond = (EXECUTIONS * TASKS) / (ms / 1000);
  console.log(`${label.padEnd(10)} ${EXECUTIONS} executions x ${TASKS} script tasks in ${ms.toFixed(0)} ms: ${perSecond.toFixed(0)} tasks/s`);
  return perSecond;
}

try {
  const unpinnedActions = createActionRegistry({ packs: (ref) => (ref === 'tools' ? { dir: tools, actions: snapshot } : null), parent_env });
  const pinnedActions = createActionRegistry({ pinned: { store, packs_dir: packs, cache_dir: join(dir, 'action-cache') }, parent_env });
  // Alternated rounds, so a machine busy with something else weighs on both alike.
  const totals = { unpinned: 0, pinned: 0 };
  for (let round = 0; round < 3; round += 1) {
    totals.unpinned += await measure('unpinned', unpinnedActions);
    totals.pinned += await measure('pinned', pinnedActions);
  }
  console.log(`pinned / unpinned throughput (mean of 3 alternated rounds): ${(totals.pinned / totals.unpinned).toFixed(2)}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
