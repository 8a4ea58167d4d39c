// The execution page of a large fan-out in headless Chromium (Debian's chromium): T
// core.noop tasks over N items each (default 1 × 10,000, about 2·T·N events; range() stops
// at 10,000, so more events take more tasks), run to completion, then
// the page opened cold. Prints what it fetched from the API (requests, bytes on the wire),
// how many elements it drew, its JS heap, and the time until the DAG said completed
// (wall clock: noisy on a shared machine, read the counts first). Then the fan-out's task
// panel is opened, to count what its item list draws.
// Run: npm run build && node bench/console-fanout.mjs [items] [tasks]
// HARMONIA_DIST=/path/to/dist runs another build (an older one, to compare before and after).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium } from 'playwright-core';

const ITEMS = Number(process.argv[2] ?? 10_000);
const TASKS = Number(process.argv[3] ?? 1);

const DIST = process.env.HARMONIA_DIST ? new URL(`file://${process.env.HARMONIA_DIST.replace(/\/?$/, '/')}`) : new URL('../dist/', import.meta.url);
const { createActionRegistry } = await import(new URL('actions/action-registry.js', DIST).href);
const { createEngine } = await import(new URL('engine/index.js', DIST).href);
const { createPackSyncService } = await import(new URL('packs/sync-packs.js', DIST).href);
const { startServer } = await import(new URL('server/start-server.js', DIST).href);
const { createSqliteStore } = await import(new URL('store/sqlite/sqlite-store.js', DIST).href);
const { createClient } = await import(new URL('client/index.js', DIST).href);

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-fanout-'));
const packsDir = join(dir, 'packs');
mkdirSync(join(packsDir, 'bench'), { recursive: true });
writeFileSync(join(packsDir, 'bench', 'pack.yaml'), 'ref: bench\nversion: 1.0.0\n');
const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
const registry = createActionRegistry({ packs: () => null });
const engine = createEngine({ store, actions: registry, config: { packs_dir: packsDir, limits: { max_items: ITEMS } } });
const packs = createPackSyncService({ store, packsDir });
const server = await startServer({ store, engine, packs, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
const client = createClient({ baseUrl: server.url });

const tasks = Array.from({ length: TASKS }, (_, t) => ({ id: t === 0 ? 'each' : `each${t}`, action: 'core.noop', depends_on: [], input: {}, with_items: `\${range(0, ${ITEMS})}` }));
const body = { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks };
await store.registry.upsertPack({ ref: 'bench', version: '1.0.0', dependencies: [] });
await store.registry.addVersion({ kind: 'workflow', ref: 'bench.fan', pack_ref: 'bench', content_hash: 'bench.fan', body, source: JSON.stringify(body), file: 'workflows/bench.fan.yaml', origin: { source: 'local' } });

const browser = await chromium.launch({
  executablePath: process.env.HARMONIA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const run = await client.executeWorkflow({ workflow_ref: 'bench.fan' });
  await client.waitForCompletion(run.id, { timeoutMs: 600_000 });
  const done = await client.getWorkflowStatus(run.id);
  const events = done.last_seq;
  if (done.status !== 'completed') throw new Error(`the execution ended ${done.status} (an events limit?): ${JSON.stringify(done.error)}`);
  console.log(`execution of ${TASKS} × ${ITEMS.toLocaleString('en-US')} items: ${events.toLocaleString('en-US')} events`);

  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  // cached script is not what is measured: load the console once first
  const warm = await context.newPage();
  await warm.goto(`${server.url}/ui/executions`, { waitUntil: 'networkidle' });
  await warm.close();

  const page = await context.newPage();
  const api = { requests: 0, bytes: 0, decoded: 0, events: 0, slowest: [] };
  page.on('requestfinished', async (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/')) return;
    const sizes = await request.sizes();
    api.requests += 1;
    api.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    const response = await request.response();
    api.decoded += response === null ? 0 : (await response.body().catch(() => Buffer.alloc(0))).length;
    if (url.pathname.endsWith('/events')) api.events += 1;
    const timing = request.timing();
    api.slowest.push([timing.responseEnd - timing.requestStart, url.pathname.replace(run.id, '<id>')]);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await page.goto(`${server.url}/ui/executions/${run.id}`);
  await page.waitForFunction(() => document.querySelector('h1 .badge.status-completed') !== null && document.querySelector('.dag-node[data-status="completed"]') !== null, null, { timeout: 120_000, polling: 'raf' });
  const ms = Date.now() - started;
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const cpu = process.cpuUsage(cpuBefore);
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  // the page's main-thread busy time and the server's (this process's) CPU time: steadier than the wall clock on a shared box
  const taskSeconds = metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  const scriptSeconds = metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
  console.log(`CPU: page main thread ${Math.round(taskSeconds * 1000)} ms busy (${Math.round(scriptSeconds * 1000)} ms script), server process ${Math.round((cpu.user + cpu.system) / 1000)} ms`);
  const mb = (n) => (n / 1024 / 1024).toFixed(2);
  const slowest = api.slowest.sort((a, b) => b[0] - a[0]).slice(0, 3).map(([ms, path]) => `${path} ${Math.round(ms)} ms`);
  console.log(`slowest API requests (sent to answered): ${slowest.join(', ')}`);
  console.log(`execution page: ${api.requests} API requests (${api.events} of /events), ${mb(api.bytes)} MB on the wire (${mb(api.decoded)} MB of JSON), ${elements} elements, JS heap ${mb(heap)} MB, completed shown after ${ms} ms`);

  await page.goto(`${server.url}/ui/executions/${run.id}?task=each`);
  await page.locator('aside.task-panel [aria-label="Items"] li[data-item]').first().waitFor({ timeout: 120_000 });
  const panel = await page.evaluate(() => ({ items: document.querySelectorAll('li[data-item]').length, elements: document.getElementsByTagName('*').length }));
  console.log(`task panel of the fan-out: ${panel.items} item rows drawn, ${panel.elements} elements in the page`);
} finally {
  await browser.close();
  await server.close();
  await engine.close?.();
  store.close?.();
  rmSync(dir, { recursive: true, force: true });
}
