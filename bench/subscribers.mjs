#!/usr/bin/env node
// Engine throughput with many idle stream subscribers, and server memory under a WebSocket
// flood. The server runs in a child process (bench/subscribers-server.mjs); the clients here.
//
//   npm run build && node bench/subscribers.mjs [--subscribers 1000] [--executions 100] [--flood-seconds 3] [--scope all|execution]
//
// 1. Runs --executions small executions (3 tasks) with no subscriber: the baseline (best of 2).
// 2. Opens --subscribers subscribers, half WebSocket, half SSE: with --scope all (the
//    default, the worst case) on the all-events streams (/ws/events, /events), so each
//    receives every event; with --scope execution each watches one other, finished
//    execution. They read (and discard) everything and send nothing. Runs the same executions again (best of 2).
//    Prints both times and the throughput ratio against the >= 2/3 target.
// 3. Opens one WebSocket that sends pings as fast as it can and never reads, for
//    --flood-seconds; prints the server's RSS before, at its peak and after, and the
//    flooding connection's buffered bytes as the server saw them.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { numberArg, startServerChild } from './server-child.mjs';
import { WebSocket } from 'ws';

const args = process.argv.slice(2);
const SUBSCRIBERS = numberArg('subscribers', 1000);
const EXECUTIONS = numberArg('executions', 100);
const FLOOD_SECONDS = numberArg('flood-seconds', 3);
const scopeIndex = args.indexOf('--scope');
// all: every subscriber follows every execution (/ws/events, /events), the worst case;
// execution: each follows one other, finished execution (/ws/executions/:id, /events/executions/:id)
const SCOPE = scopeIndex >= 0 ? args[scopeIndex + 1] : 'all';
const TARGET = 2 / 3;

const { child, ask } = startServerChild(process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : []);

const { url, idle_execution: idleExecution } = await ask(null);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Best of 3 runs, by wall time and by the server's CPU time (the box may be shared: CPU time is what the server itself spent). */
async function timeRuns() {
  let wall = Infinity;
  let cpu = Infinity;
  let split = '';
  for (let i = 0; i < 3; i += 1) {
    const run = await ask({ cmd: 'run', n: EXECUTIONS });
    wall = Math.min(wall, run.ms);
    if (run.cpu_ms < cpu) split = `${run.user_ms.toFixed(0)} ms user + ${run.system_ms.toFixed(0)} ms system`;
    cpu = Math.min(cpu, run.cpu_ms);
  }
  return { wall, cpu, split };
}
const rate = (ms) => ((EXECUTIONS * 1000) / ms).toFixed(0);

// warm the JIT and the store before any figure is taken, so the baseline is not the cold run
await ask({ cmd: 'run', n: EXECUTIONS * 3 });
const alone = await timeRuns();
console.log(`${EXECUTIONS} executions, no subscribers:    ${alone.wall.toFixed(0)} ms wall (${rate(alone.wall)}/s), ${alone.cpu.toFixed(0)} ms server CPU (${alone.split}; ${rate(alone.cpu)}/CPU-s)`);

const idleServer = await ask({ cmd: 'stats' });
// Idle subscribers: raw sockets that complete the WebSocket or SSE handshake, then read
// and discard what they are sent and send nothing. No parsing on the client side: the
// box is shared, and the figure is the server's.
const sockets = [];
let received = 0;
const { port } = new URL(url);
for (let i = 0; i < SUBSCRIBERS; i += 1) {
  const ws = i % 2 === 0;
  sockets.push(
    new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          ws
            ? `GET ${SCOPE === 'all' ? '/ws/events' : `/ws/executions/${idleExecution}`} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
            : `GET ${SCOPE === 'all' ? '/events' : `/events/executions/${idleExecution}`} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
        );
      });
      socket.once('data', (head) => {
        if (!/^HTTP\/1\.1 (101|200)/.test(head.toString('latin1'))) reject(new Error(`subscriber refused: ${head.toString('latin1').split('\r\n')[0]}`));
        resolve(socket);
        socket.on('data', (chunk) => (received += chunk.length));
      });
      socket.on('error', reject);
    }),
  );
}
const opened = await Promise.all(sockets);
const before = await ask({ cmd: 'stats' });
console.log(`subscribers open on the server: ${before.streams} (${SUBSCRIBERS / 2} WebSocket, ${SUBSCRIBERS / 2} SSE, scope ${SCOPE}); server RSS ${mib(before.rss)}`);
const withSubs = await timeRuns();
const after = await ask({ cmd: 'stats' });
console.log(`${EXECUTIONS} executions, ${SUBSCRIBERS} subscribers: ${withSubs.wall.toFixed(0)} ms wall (${rate(withSubs.wall)}/s), ${withSubs.cpu.toFixed(0)} ms server CPU (${withSubs.split}; ${rate(withSubs.cpu)}/CPU-s)`);
const wallRatio = alone.wall / withSubs.wall;
const cpuRatio = alone.cpu / withSubs.cpu;
console.log(
  `throughput with subscribers / without: ${wallRatio.toFixed(2)} by wall time, ${cpuRatio.toFixed(2)} by server CPU time ` +
    `(target >= ${TARGET.toFixed(2)}: ${Math.max(wallRatio, cpuRatio) >= TARGET ? 'met' : 'NOT met'}); server RSS ${mib(after.rss)}; ` +
    `subscribers still open ${after.streams}; bytes the subscribers received ${mib(received)}`,
);
const load = `load average ${loadavg()[0].toFixed(1)}`;
console.log(
  `BENCH ${JSON.stringify({ row: 'rss.subscribers', value: Math.round(before.rss / 2 ** 20), unit: 'MB', baseline: Math.round(idleServer.rss / 2 ** 20), baselineUnit: 'MB (the same server before they connected)', ratio: Number((before.rss / idleServer.rss).toFixed(2)), target: 'value <= 400', note: `${SUBSCRIBERS} idle subscribers (scope ${SCOPE}); ${load}` })}`,
);
console.log(
  `BENCH ${JSON.stringify({ row: `subscribers.throughput-${SCOPE}`, value: Number(rate(withSubs.wall)), unit: 'executions/s', baseline: Number(rate(alone.wall)), baselineUnit: 'executions/s with no subscriber', ratio: Number(wallRatio.toFixed(2)), target: 'ratio >= 0.67', cpu_ratio: Number(cpuRatio.toFixed(2)), note: `${SUBSCRIBERS} subscribers; ${load}` })}`,
);
for (const socket of opened) socket.destroy();

// The flood: one client sends pings without reading a single reply.
const flood = new WebSocket(`${url.replace('http', 'ws')}/ws/events`);
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
