// Task logs under load: how much one chatty task (about 10,000 lines/s for 10 s, every
// line stored, masked and published) slows the other executions running beside it.
// Baseline: the same workload in the same run beside the same task printing to /dev/null,
// so the figure is what storing the log costs, not what printing it costs the machine.
// Run: npm run build && node bench/logs.mjs [--seconds 10] [--rate 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createActionRegistry } from '../dist/actions/action-registry.js';
import { createEngine } from '../dist/engine/index.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const RATE = arg('rate', 10_000);
const PER_TICK = Math.round(RATE / 100);

const body = (tasks) => ({ version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks });
// 100 bursts a second of RATE/100 lines each, for SECONDS seconds.
const chatty = `perl -e '$|=1; for $t (1..${SECONDS * 100}) { print "line $t.$_ with some ordinary text in it\\n" for 1..${PER_TICK}; select(undef, undef, undef, 0.01) }'`;
const quiet = `${chatty} > /dev/null`;

async function measure(command) {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-logs-'));
  const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
  const engine = createEngine({ store, actions: createActionRegistry({ packs: () => null }), config: { max_concurrent_workflows: 200, default_timeout_ms: 600_000, limits: { max_log_bytes_per_attempt: 64 * 1024 * 1024 } } });
  const add = (ref, tasks) =>
    store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'bench', content_hash: ref, source: '', file: `workflows/${ref}.yaml`, origin: { source: 'local' }, body: body(tasks) });
  await add('bench.talk', [{ id: 'talk', action: 'core.shell', depends_on: [], input: { command, shell: true } }]);
  await add('bench.small', [
    { id: 'a', action: 'core.noop', depends_on: [], input: {} },
    { id: 'b', action: 'core.echo', depends_on: ['a'], input: { message: 'x' } },
    { id: 'c', action: 'core.noop', depends_on: ['b'], input: {} },
  ]);
  const talker = await engine.startExecution({ workflow_ref: 'bench.talk' });
  const talkerDone = engine.waitForCompletion(talker.id);
  // The other executions: waves of 20 small ones for as long as the task talks.
  const start = performance.now();
  let finished = 0;
  while (performance.now() - start < (SECONDS - 1) * 1000) {
    const wave = await Promise.all(Array.from({ length: 20 }, () => engine.startExecution({ workflow_ref: 'bench.small' })));
    await Promise.all(wave.map((run) => engine.waitForCompletion(run.id)));
    finished += wave.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  await talkerDone;
  const lines = (await engine.readLogs(talker.id, { limit: 1_000_000 })).length;
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { perSecond: finished / elapsed, lines };
}

const baseline = await measure(quiet);
const loaded = await measure(chatty);
console.log(`other executions beside the task printing to /dev/null: ${baseline.perSecond.toFixed(1)} executions/s`);
console.log(`other executions beside the task with its log stored:   ${loaded.perSecond.toFixed(1)} executions/s (${loaded.lines} log lines stored, ${(loaded.lines / SECONDS).toFixed(0)} lines/s)`);
const slowdown = 1 - loaded.perSecond / baseline.perSecond;
console.log(`slowdown: ${(slowdown * 100).toFixed(1)} % (target < 10 %)`);
