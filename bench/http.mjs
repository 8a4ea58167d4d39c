// HTTP and WebSocket cost of the Harmonia server, against bare node:http serving the
// same JSON in the same run, so the ratio shows what Koa, auth, validation, masking
// and the store add.
//   1. GET /api/executions/:id (a finished execution) and POST /api/executions, 10 s each
//      with autocannon in its own process (so the load generator does not share the
//      server's event loop), Harmonia (SQLite, synchronous=FULL, logs silenced) vs
//      node:http; each case also prints the server process's CPU time per request.
//   2. WebSocket fan-out: 1,000 subscribers on one execution (in a worker thread);
//      time from an event's publication to its last delivery.
// Run: npm run build && node bench/http.mjs [--seconds 10] [--warmup 2] [--connections 50] [--subscribers 1000]
//      [--only GET|POST] (one HTTP case, no fan-out: for profiling)
//      [--koa-only] (Koa alone as the request listener, without the status fast path: the code before it)
// Prints BENCH lines (bench/run.mjs --json) for http.get-status and http.post-executions.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 50);
const SUBSCRIBERS = arg('subscribers', 1000);
const WARMUP = arg('warmup', 2);
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const onlyIndex = args.indexOf('--only');
const ONLY = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const KOA_ONLY = args.includes('--koa-only');

/** Absolute milliseconds comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

if (!isMainThread) {
  await runSubscribers(workerData);
} else {
  await main();
}

async function main() {
  const { createActionRegistry } = await import('../dist/actions/action-registry.js');
  const { createEngine } = await import('../dist/engine/index.js');
  const { createPackSyncService } = await import('../dist/packs/sync-packs.js');
  const { startServer } = await import('../dist/server/start-server.js');
  const { createSqliteStore } = await import('../dist/store/sqlite/sqlite-store.js');

  const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-http-'));
  const packsDir = join(dir, 'packs');
  mkdirSync(join(packsDir, 'bench', 'workflows'), { recursive: true });
  writeFileSync(join(packsDir, 'bench', 'pack.yaml'), 'ref: bench\nversion: 1.0.0\n');
  writeFileSync(join(packsDir, 'bench', 'workflows', 'one.yaml'), 'version: 1.0.0\ntasks:\n  only:\n    action: core.noop\n');

  let openGate;
  const gateOpened = new Promise((resolve) => (openGate = resolve));
  const gate = { run: async () => (await gateOpened, { status: 'success', data: {} }) };

  // As the server reads it (operations.md, Durability): HARMONIA_SQLITE_SYNC_OFF_LOOP=false keeps every fsync on the loop.
  const store = createSqliteStore({ file: join(dir, 'harmonia.db'), sync_off_loop: process.env.HARMONIA_SQLITE_SYNC_OFF_LOOP !== 'false' });
  // Counted so the POST line can say how many requests each commit (fsync) carried.
  let commits = 0;
  const transaction = store.transaction.bind(store);
  store.transaction = (fn, options) => {
    commits += 1;
    return transaction(fn, options);
  };
  const registry = createActionRegistry({ packs: () => null });
  const engine = createEngine({
    store,
    actions: { resolve: (task, packDir) => (task.action === 'bench.gate' ? gate : registry.resolve(task, packDir)) },
    config: { packs_dir: packsDir },
  });
  const packs = createPackSyncService({ store, packsDir });
  await packs.syncPack('bench');
  const harmonia = await startServer({
    store,
    engine,
    packs,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    options: { tokens: 'bench-token' },
  });
  const auth = { authorization: 'Bearer bench-token' };
  // The code before the status fast path, in the same build: Koa alone as the request listener.
  if (KOA_ONLY) {
    harmonia.server.removeAllListeners('request');
    harmonia.server.on('request', harmonia.app.callback());
  }

  const first = await (await fetch(`${harmonia.url}/api/executions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_ref: 'bench.one', input: {} }),
  })).json();
  await engine.waitForCompletion(first.execution_id);
  const getText = await (await fetch(`${harmonia.url}/api/executions/${first.execution_id}`, { headers: auth })).text();
  const postText = JSON.stringify(first);

  const bare = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(getText);
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
      res.end(postText);
    });
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${bare.address().port}`;

  const postBody = JSON.stringify({ workflow_ref: 'bench.one', input: { n: 1 } });
  const cases = [
    { name: `GET /api/executions/:id`, method: 'GET', path: `/api/executions/${first.execution_id}` },
    { name: 'POST /api/executions', method: 'POST', path: '/api/executions', body: postBody },
  ];
  console.log(`HTTP: ${CONNECTIONS} connections, ${SECONDS} s per run, 127.0.0.1, load average ${loadavg()[0].toFixed(1)}${KOA_ONLY ? ', Koa alone (no status fast path)' : ''}`);
  const rows = [];
  for (const c of cases) {
    if (ONLY !== undefined && c.method !== ONLY) continue;
    // warm-up of both servers (the JIT, the store's caches), not measured
    await cannon(harmonia.url + c.path, c, auth, WARMUP);
    await cannon(bareUrl + c.path, c, auth, WARMUP);
    const before = commits;
    const h = await cannon(harmonia.url + c.path, c, auth);
    const perCommit = commits > before ? `, ${(h.total / (commits - before)).toFixed(1)} req/commit` : '';
    const b = await cannon(bareUrl + c.path, c, auth);
    rows.push({ ...c, h, b });
    console.log(
      `${c.name.padEnd(26)} harmonia ${fmt(h.rps)} req/s p99 ${h.p99} ms, ${h.cpu_us.toFixed(0)} µs CPU/req (${h.non2xx} non-2xx${perCommit}) | ` +
        `node:http ${fmt(b.rps)} req/s p99 ${b.p99} ms, ${b.cpu_us.toFixed(0)} µs CPU/req | ratio ${(h.rps / b.rps).toFixed(3)} (by CPU ${(b.cpu_us / h.cpu_us).toFixed(3)})`,
    );
    const note = `baseline: bare node:http serving the same JSON, same run; by server CPU per request ${(b.cpu_us / h.cpu_us).toFixed(3)}; load average ${loadavg()[0].toFixed(1)}`;
    const bench =
      c.method === 'GET'
        ? { row: 'http.get-status', value: Math.round(h.rps), unit: 'req/s', baseline: Math.round(b.rps), baselineUnit: 'req/s (bare node:http)', ratio: round3(h.rps / b.rps), target: 'ratio >= 0.5', p99: h.p99, note }
        : { row: 'http.post-executions', value: Math.round(h.rps), unit: 'req/s', baseline: Math.round(b.rps), baselineUnit: 'req/s (bare node:http)', ratio: round3(h.rps / b.rps), target: 'value >= 5000 and p99 <= 20', p99: h.p99, note };
    console.log(`BENCH ${JSON.stringify(bench)}`);
  }
  await new Promise((resolve) => bare.close(resolve));
  if (ONLY !== undefined) {
    await harmonia.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    return;
  }

  // Fan-out: one gated execution, SUBSCRIBERS clients in a worker thread.
  await registerGated(store);
  const gated = await (await fetch(`${harmonia.url}/api/executions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_ref: 'benchws.gated', input: {} }),
  })).json();
  while (!(await engine.readEvents(gated.execution_id, 0)).some((e) => e.event_type === 'task_started' && e.task_id === 'hold')) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  const lastSeq = (await engine.readEvents(gated.execution_id, 0)).at(-1).seq;
  const target = lastSeq + 1;
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { url: `${harmonia.url.replace('http', 'ws')}/ws/executions/${gated.execution_id}?token=bench-token`, count: SUBSCRIBERS, ready_seq: lastSeq, target },
  });
  const report = new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      if (m.kind === 'ready') {
        // an all-executions listener runs before per-execution ones (the WebSocket sinks)
        engine.bus.subscribe({}, (e) => {
          if (e.execution_id === gated.execution_id && e.seq === target) published = now();
        });
        openGate();
      }
      if (m.kind === 'done') resolve(m);
    });
    worker.on('error', reject);
  });
  let published = 0;
  const done = await report;
  const spread = done.arrivals.map((t) => t - published).sort((a, b) => a - b);
  console.log(
    `WS fan-out: ${SUBSCRIBERS} subscribers on one execution (each first replayed events 1..${lastSeq}): ` +
      `event ${target} reached the first in ${spread[0].toFixed(2)} ms, the median in ${spread[Math.floor(spread.length / 2)].toFixed(2)} ms, ` +
      `the last in ${spread.at(-1).toFixed(2)} ms`,
  );
  await worker.terminate();
  await harmonia.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

async function registerGated(store) {
  await store.registry.upsertPack({ ref: 'benchws', version: '1.0.0', dependencies: [] });
  await store.registry.addVersion({
    kind: 'workflow',
    ref: 'benchws.gated',
    pack_ref: 'benchws',
    content_hash: 'bench-gated',
    body: {
      version: '1.0.0',
      input: {},
      context: {},
      output: {},
      error_handlers: [],
      tasks: [
        { id: 'hold', action: 'bench.gate', depends_on: [], input: {} },
        { id: 'after', action: 'core.noop', depends_on: ['hold'], input: {} },
      ],
    },
    source: '',
    file: 'workflows/gated.yaml',
    origin: { source: 'local' },
  });
}

/** Runs autocannon in its own process against `url`; the figures and this process's CPU time per request. */
async function cannon(url, c, auth, seconds = SECONDS) {
  const args = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', c.method];
  for (const [name, value] of Object.entries({ ...auth, ...(c.body ? { 'content-type': 'application/json' } : {}) })) args.push('-H', `${name}=${value}`);
  if (c.body) args.push('-b', c.body);
  args.push(url);
  const cpu = process.cpuUsage();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const used = process.cpuUsage(cpu);
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  const result = JSON.parse(out);
  const total = result.requests.total;
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, total, cpu_us: (used.user + used.system) / Math.max(1, total) };
}

function round3(n) {
  return Number(n.toFixed(3));
}

function fmt(n) {
  return Math.round(n).toString().padStart(6);
}

async function runSubscribers({ url, count, ready_seq, target }) {
  const arrivals = [];
  let ready = 0;
  const sockets = [];
  await new Promise((resolve, reject) => {
    for (let i = 0; i < count; i += 1) {
      const ws = new WebSocket(url);
      sockets.push(ws);
      let isReady = false;
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (!isReady && message.seq === ready_seq) {
          isReady = true;
          ready += 1;
          if (ready === count) parentPort.postMessage({ kind: 'ready' });
        }
        if (message.seq === target) {
          arrivals.push(now());
          if (arrivals.length === count) resolve();
        }
      });
      ws.on('error', reject);
    }
  });
  parentPort.postMessage({ kind: 'done', arrivals });
  for (const ws of sockets) ws.close();
}
