#!/usr/bin/env node
// Engine throughput with many idle stream subscribers, and server memory under a WebSocket
// flood. The server runs in a child process (bench/subscribers-server.mjs); the clients here.
//
//   npm run build && node bench/subscribers.mjs [--subscribers 1000] [--executions 1500] [--rounds 3] [--flood-seconds 3] [--scope all|execution] [--identity]
//
// 1. Runs --executions small executions (3 tasks) with no subscriber: the baseline.
// 2. Opens --subscribers subscribers, half WebSocket, half SSE: with --scope all (the
//    default, the worst case) on the all-events streams (/ws/events, /events), so each
//    receives every event; with --scope execution each watches one other, finished
//    execution. They read (and discard) everything and send nothing; the SSE ones accept
//    deflate as browsers do, the WebSocket ones ask for ?batch=true with permessage-deflate
//    (--identity: neither, the default wire format). Runs the same executions again,
//    then closes them. 1 and 2 alternate --rounds times; prints each round's ratio and the
//    medians' against the >= 2/3 target.
// 3. Opens one WebSocket that sends pings as fast as it can and never reads, for
//    --flood-seconds; prints the server's RSS before, at its peak and after, and the
//    flooding connection's buffered bytes as the server saw them.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openIdleSubscribers } from './lib-subscribers.mjs';
import { numberArg, startServerChild } from './server-child.mjs';
import { WebSocket } from 'ws';

const args = process.argv.slice(2);
const SUBSCRIBERS = numberArg('subscribers', 1000);
// 1,500 executions run ~0.7 s: long beside the feed's pacing (a round waits up to several
// times its cost), so the figure is throughput, not how much fan-out a short run can leave
// until after its clock stops (100 or 300 executions last 50-150 ms).
const EXECUTIONS = numberArg('executions', 1500);
const FLOOD_SECONDS = numberArg('flood-seconds', 3);
const scopeIndex = args.indexOf('--scope');
// all: every subscriber follows every execution (/ws/events, /events), the worst case;
// execution: each follows one other, finished execution (/ws/executions/:id, /events/executions/:id)
const SCOPE = scopeIndex >= 0 ? args[scopeIndex + 1] : 'all';
const TARGET = 2 / 3;
const ROUNDS = numberArg('rounds', 3);
const IDENTITY = args.includes('--identity');

const { child, ask } = startServerChild(process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : []);

const { url, idle_execution: idleExecution } = await ask(null);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** One run of the executions; the server's CPU time covers the fan-out it deferred past the run's end. */
async function timeRun() {
  const run = await ask({ cmd: 'run', n: EXECUTIONS });
  return { wall: run.ms, cpu: run.cpu_ms, user: run.user_ms, system: run.system_ms };
}
const rate = (ms) => ((EXECUTIONS * 1000) / ms).toFixed(0);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Idle subscribers (bench/lib-subscribers.mjs). SSE requests say Accept-Encoding: gzip,
// deflate, as browsers' EventSource and fetch do; WebSocket ones ask for the batch format
// (?batch=true) and offer permessage-deflate as browsers do (--identity: neither).
let received = 0;
const { port } = new URL(url);
function openSubscribers() {
  return openIdleSubscribers(Number(port), SUBSCRIBERS, {
    wsPath: SCOPE === 'all' ? `/ws/events${IDENTITY ? '' : '?batch=true'}` : `/ws/executions/${idleExecution}`,
    ssePath: SCOPE === 'all' ? '/events' : `/events/executions/${idleExecution}`,
    wsHeaders: IDENTITY ? '' : 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n',
    sseHeaders: IDENTITY ? '' : 'Accept-Encoding: gzip, deflate\r\n',
    onData: (chunk) => (received += chunk.length),
  });
}
async function closeSubscribers(opened) {
  for (const socket of opened) socket.destroy();
  // the next arm without subscribers starts once the server has seen every one go
  while ((await ask({ cmd: 'stats' })).streams > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

// warm the JIT and the store before any figure is taken, so the baseline is not the cold run
await ask({ cmd: 'run', n: EXECUTIONS * 3 });
const idleServer = await ask({ cmd: 'stats' });
// The two arms alternate, ROUNDS times each, so a change in the box's load hits both alike;
// each pair's ratio is printed, and the medians.
const alone = [];
const withSubs = [];
let before = null;
let after = null;
for (let round = 0; round < ROUNDS; round += 1) {
  const a = await timeRun();
  alone.push(a);
  const opened = await openSubscribers();
  before ??= await ask({ cmd: 'stats' });
  const b = await timeRun();
  withSubs.push(b);
  after = await ask({ cmd: 'stats' });
  await closeSubscribers(opened);
  console.log(
    `round ${round + 1}: no subscribers ${a.wall.toFixed(0)} ms wall, ${a.cpu.toFixed(0)} ms CPU; ${SUBSCRIBERS} subscribers ` +
      `${b.wall.toFixed(0)} ms wall, ${b.cpu.toFixed(0)} ms CPU (${b.user.toFixed(0)} user + ${b.system.toFixed(0)} system); ` +
      `ratio ${(a.wall / b.wall).toFixed(2)} wall, ${(a.cpu / b.cpu).toFixed(2)} CPU; ${after.streams} still open`,
  );
}
const wallAlone = median(alone.map((r) => r.wall));
const cpuAlone = median(alone.map((r) => r.cpu));
const wallSubs = median(withSubs.map((r) => r.wall));
const cpuSubs = median(withSubs.map((r) => r.cpu));
console.log(`subscribers: ${SUBSCRIBERS} (${SUBSCRIBERS / 2} WebSocket, ${SUBSCRIBERS / 2} SSE${IDENTITY ? ', identity' : ', SSE accepting deflate, WebSocket ?batch=true with permessage-deflate'}, scope ${SCOPE}); server RSS ${mib(before.rss)} with them open`);
console.log(`${EXECUTIONS} executions, no subscribers, median of ${ROUNDS}: ${wallAlone.toFixed(0)} ms wall (${rate(wallAlone)}/s), ${cpuAlone.toFixed(0)} ms server CPU (${rate(cpuAlone)}/CPU-s)`);
console.log(`${EXECUTIONS} executions, ${SUBSCRIBERS} subscribers, median of ${ROUNDS}: ${wallSubs.toFixed(0)} ms wall (${rate(wallSubs)}/s), ${cpuSubs.toFixed(0)} ms server CPU (${rate(cpuSubs)}/CPU-s)`);
const wallRatio = wallAlone / wallSubs;
const cpuRatio = cpuAlone / cpuSubs;
const pairs = alone.map((a, i) => `${(a.wall / withSubs[i].wall).toFixed(2)}/${(a.cpu / withSubs[i].cpu).toFixed(2)}`).join(', ');
console.log(
  `throughput with subscribers / without (medians): ${wallRatio.toFixed(2)} by wall time, ${cpuRatio.toFixed(2)} by server CPU time ` +
    `(target >= ${TARGET.toFixed(2)}: ${Math.max(wallRatio, cpuRatio) >= TARGET ? 'met' : 'NOT met'}); per round wall/CPU: ${pairs}; ` +
    `server RSS ${mib(after.rss)}; bytes the subscribers received ${mib(received)}`,
);
const load = `load average ${loadavg()[0].toFixed(1)}`;
console.log(
  `BENCH ${JSON.stringify({ row: 'rss.subscribers', value: Math.round(before.rss / 2 ** 20), unit: 'MB', baseline: Math.round(idleServer.rss / 2 ** 20), baselineUnit: 'MB (the same server before they connected)', ratio: Number((before.rss / idleServer.rss).toFixed(2)), target: 'value <= 400', note: `${SUBSCRIBERS} idle subscribers (scope ${SCOPE}); ${load}` })}`,
);
console.log(
  `BENCH ${JSON.stringify({ row: `subscribers.throughput-${SCOPE}`, value: Number(rate(wallSubs)), unit: 'executions/s', baseline: Number(rate(wallAlone)), baselineUnit: 'executions/s with no subscriber', ratio: Number(wallRatio.toFixed(2)), target: 'ratio >= 0.67', cpu_ratio: Number(cpuRatio.toFixed(2)), note: `${SUBSCRIBERS} subscribers, median of ${ROUNDS} alternating rounds${IDENTITY ? ', identity' : ''}; ${load}` })}`,
);

// The flood: one client sends pings without reading a single reply.
// (without permessage-deflate: with it, the ws client queues sends where bufferedAmount does
// not count them, and the loop below would fill the bench's own memory instead of the server's sockets)
const flood = new WebSocket(`${url.replace('http', 'ws')}/ws/events`, { perMessageDeflate: false });
await new Promise((resolve) => flood.once('open', resolve));
flood.pause();
const quiet = await ask({ cmd: 'stats' });
let peak = quiet.rss;
let peakBuffered = 0;
let sent = 0;
const ping = JSON.stringify({ type: 'ping' });
const ends = performance.now() + FLOOD_SECONDS * 1000;
while (performance.now() < ends) {
  while (flood.bufferedAmount < 4 * 1024 * 1024) {
    flood.send(ping);
    sent += 1;
  }
  const stats = await ask({ cmd: 'stats' });
  peak = Math.max(peak, stats.rss);
  peakBuffered = Math.max(peakBuffered, ...stats.stats.map((s) => s.buffered_bytes));
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const flooded = await ask({ cmd: 'stats' });
console.log(
  `flood: ${sent} pings sent in ${FLOOD_SECONDS} s without reading; server RSS ${mib(quiet.rss)} before, ${mib(peak)} at peak ` +
    `(+${mib(peak - quiet.rss)}); the connection's buffer peaked at ${(peakBuffered / 1024).toFixed(0)} KiB; ` +
    `replies ${flooded.stats[0]?.replies ?? 0} to ${flooded.stats[0]?.received ?? 0} frames read; reading paused: ${flooded.stats[0]?.reading_paused ?? false}`,
);
flood.terminate();
await new Promise((resolve) => {
  child.once('exit', resolve);
  child.send({ cmd: 'stop' });
});
process.exit(0);
