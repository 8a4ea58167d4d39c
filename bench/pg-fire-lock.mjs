// Run: npm run build && node bench/pg-fire-lock.mjs 300 lock|nolock skip|allow_all (PostgreSQL at HARMONIA_BENCH_DB_URL, default the test database)
// CPU and wall cost of deciding fires under the trigger lock on PostgreSQL: N trigger-now fires
// of a schedule under the overlap policy given, with the store's lock (TriggerRepo.exclusive) and without it.
import { createEngine } from '../dist/engine/index.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { createScheduleService } from '../dist/triggers/schedule-service.js';
const N = Number(process.argv[2] ?? 300);
const withLock = process.argv[3] !== 'nolock';
const schema = `bench_lock_${process.pid}`;
const store = await createPostgresStore({ url: process.env.HARMONIA_BENCH_DB_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema, pool_size: 4 });
if (!withLock) Object.defineProperty(store.triggers, 'exclusive', { value: undefined });
const engine = createEngine({ store, actions: { resolve: () => ({ run: async () => ({ status: 'success', data: {} }) }) }, config: { max_concurrent_workflows: 100_000 } });
await engine.start();
const body = { version: '1', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: 'a', action: 'core.noop', depends_on: [], input: {} }], triggers: { t: { schedule: { timezone: 'UTC', input: {}, overlap: process.argv[4] ?? 'skip', catchup_window_ms: 60000, jitter_ms: 0, enabled: true, every_ms: 3600000 } } } };
await store.registry.addVersion({ kind: 'workflow', ref: 'bench.w', pack_ref: 'bench', content_hash: 'x', body, source: '', file: 'w.yaml', origin: { source: 'local' } });
const service = createScheduleService({ store, engine });
for (let i = 0; i < 20; i += 1) await service.trigger('bench.w', 't'); // warm
const cpu0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i += 1) await service.trigger('bench.w', 't');
const cpu = process.cpuUsage(cpu0); const wall = performance.now() - t0;
console.log(JSON.stringify({ lock: withLock, fires: N, cpu_ms_per_fire: +((cpu.user + cpu.system) / 1000 / N).toFixed(3), wall_ms_per_fire: +(wall / N).toFixed(2) }));
await engine.stop();
await store.pool.query(`DROP SCHEMA ${schema} CASCADE`);
await store.close();
