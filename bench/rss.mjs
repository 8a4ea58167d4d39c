#!/usr/bin/env node
// Server memory after many executions and with many idle subscribers (issue 16's RSS row).
// The server runs in a child process (bench/subscribers-server.mjs, SQLite, the engine, one
// port); the clients here. Figures are taken after a full garbage collection, so they show
// what stays, not what is waiting to be collected.
//
//   npm run build && node bench/rss.mjs [--executions 10000] [--batch 500] [--subscribers 1000]
//
// 1. The idle server's RSS (one finished execution): the baseline.
// 2. --executions small executions (3 tasks, 8 events each), --batch at a time; RSS after
//    each tenth, so growth without bound shows as a slope rather than a plateau.
// 3. --subscribers idle subscribers (half WebSocket, half SSE, on the all-events streams,
//    which send nothing while nothing runs); RSS with them open.
import { loadavg } from 'node:os';
import { openIdleSubscribers } from './lib-subscribers.mjs';
import { numberArg, startServerChild } from './server-child.mjs';

const EXECUTIONS = numberArg('executions', 10_000);
const BATCH = numberArg('batch', 500);
const SUBSCRIBERS = numberArg('subscribers', 1000);

const { child, ask } = startServerChild(['--expose-gc']);
const mb = (bytes) => Math.round(bytes / 1024 / 1024);

const { url } = await ask(null);
const idle = await ask({ cmd: 'stats', gc: true });
console.log(`idle server: RSS ${mb(idle.rss)} MB, heap ${mb(idle.heap)} MB (load average ${loadavg()[0].toFixed(1)})`);

const curve = [];
let done = 0;
const started = performance.now();
while (done < EXECUTIONS) {
  const n = Math.min(BATCH, EXECUTIONS - done);
  await ask({ cmd: 'run', n });
  done += n;
  if (done % Math.max(BATCH, Math.floor(EXECUTIONS / 10)) === 0 || done === EXECUTIONS) {
    const stats = await ask({ cmd: 'stats', gc: true });
    curve.push({ done, rss: stats.rss, heap: stats.heap });
  }
}
const afterRuns = curve.at(-1);
const half = curve.find((point) => point.done >= EXECUTIONS / 2) ?? afterRuns;
console.log(
  `after ${EXECUTIONS} executions (${((performance.now() - started) / 1000).toFixed(1)} s): RSS ${mb(afterRuns.rss)} MB, heap ${mb(afterRuns.heap)} MB; ` +
    `RSS by executions run: ${curve.map((p) => `${p.done}: ${mb(p.rss)}`).join(', ')} MB; heap at half-way ${mb(half.heap)} MB, at the end ${mb(afterRuns.heap)} MB`,
);

const { port } = new URL(url);
const opened = await openIdleSubscribers(Number(port), SUBSCRIBERS);
const withSubs = await ask({ cmd: 'stats', gc: true });
console.log(
  `with ${withSubs.streams} idle subscribers open as well: RSS ${mb(withSubs.rss)} MB (+${mb(withSubs.rss - afterRuns.rss)} MB, ` +
    `${((withSubs.rss - afterRuns.rss) / SUBSCRIBERS / 1024).toFixed(1)} KiB each), heap ${mb(withSubs.heap)} MB`,
);
const note = `baseline: the idle server; load average ${loadavg()[0].toFixed(1)}`;
console.log(
  `BENCH ${JSON.stringify({ row: 'rss.executions', value: mb(afterRuns.rss), unit: 'MB', baseline: mb(idle.rss), baselineUnit: 'MB (idle server)', ratio: Number((afterRuns.rss / idle.rss).toFixed(2)), target: 'value <= 400', heap_mb: mb(afterRuns.heap), heap_half_mb: mb(half.heap), note })}`,
);
console.log(
  `BENCH ${JSON.stringify({ row: 'rss.executions-subscribers', value: mb(withSubs.rss), unit: 'MB', baseline: mb(idle.rss), baselineUnit: 'MB (idle server)', ratio: Number((withSubs.rss / idle.rss).toFixed(2)), target: 'value <= 400', note: `${SUBSCRIBERS} idle subscribers after ${EXECUTIONS} executions; ${note}` })}`,
);
for (const socket of opened) socket.destroy();
await new Promise((resolve) => {
  child.once('exit', resolve);
  child.send({ cmd: 'stop' });
});
process.exit(0);
