// The server half of bench/subscribers.mjs, in its own process so its RSS and CPU are its
// own: a real server (SQLite, the engine, one port) driven over IPC by the parent.
//   {cmd:'run', n}    start n executions of a 3-task workflow, answer when all finished: {ms, cpu_ms}
//                     (cpu_ms runs on until every subscriber has been handed every event)
//   {cmd:'stats'}     {streams, rss, heap}  ({gc: true} collects garbage first, when run with --expose-gc)
//   {cmd:'stop'}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

const dist = process.argv[2];
const { createSqliteStore } = await import(join(dist, 'store/sqlite/sqlite-store.js'));
const { createEngine } = await import(join(dist, 'engine/index.js'));
const { createActionRegistry } = await import(join(dist, 'actions/action-registry.js'));
const { createPackSyncService } = await import(join(dist, 'packs/sync-packs.js'));
const { startServer } = await import(join(dist, 'server/start-server.js'));
const { appInternals } = await import(join(dist, 'server/app.js'));

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-subs-'));
const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
const actions = createActionRegistry({ packs: () => null, components: store.components });
const engine = createEngine({ store, actions, config: { packs_dir: join(dir, 'packs') } });
const packs = createPackSyncService({ store, packsDir: join(dir, 'packs') });
const body = {
  version: '1.0.0',
  tasks: [
    { id: 'a', action: 'core.echo', input: { n: 1 } },
    { id: 'b', action: 'core.echo', depends_on: ['a'], input: { n: 2 } },
    { id: 'c', action: 'core.noop', depends_on: ['b'] },
  ],
};
await store.registry.upsertPack({ ref: 'bench', version: '1.0.0', dependencies: [] });
const record = await store.registry.addVersion({
  kind: 'workflow', ref: 'bench.small', pack_ref: 'bench', content_hash: 'bench-small', body, source: JSON.stringify(body),
  file: 'workflows/small.yaml', origin: { source: 'local' },
});
const running = await startServer({
  store, engine, packs, host: '127.0.0.1', port: 0, grace_ms: 500, logger: pino({ level: 'silent' }),
  options: { version: 'bench', ws_messages_per_second: Number(process.env.BENCH_WS_RATE ?? 20) },
});
const { hub } = appInternals(running.app);

process.on('message', async (message) => {
  if (message.cmd === 'run') {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const ids = [];
    for (let i = 0; i < message.n; i += 1) ids.push((await engine.startExecution({ workflow_id: record.id, input: {} })).id);
    await Promise.all(ids.map((id) => engine.waitForCompletion(id)));
    const ms = performance.now() - started;
    // Fan-out is deferred and batched: the CPU it spends after the last execution finished
    // belongs to this run too, so wait until every subscriber was handed every event.
    const last = await store.executions.lastEventPosition();
    for (;;) {
      const feed = hub.currentFeed();
      const caughtUp = feed === null || feed.size() === 0 || feed.position() >= last;
      // (the stats of every stream are only gathered once the feed has caught up: they cost CPU too)
      if (caughtUp && hub.stats().every((s) => s.queued === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const used = process.cpuUsage(cpu);
    process.send({ ms, cpu_ms: (used.user + used.system) / 1000, user_ms: used.user / 1000, system_ms: used.system / 1000, events: last });
  } else if (message.cmd === 'stats') {
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc();
    const memory = process.memoryUsage();
    process.send({ streams: hub.size(), rss: memory.rss, heap: memory.heapUsed, stats: hub.stats().filter((s) => s.kind === 'ws' && (s.received ?? 0) > 0) });
  } else if (message.cmd === 'stop') {
    await running.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
// A finished execution the per-execution subscribers (--scope execution) watch: nothing more happens to it, so they stay idle.
const idle = await engine.startExecution({ workflow_id: record.id, input: {} });
await engine.waitForCompletion(idle.id);
process.send({ url: running.url, idle_execution: idle.id });
