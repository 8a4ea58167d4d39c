// What Harmonia's own code costs per started execution, without the kernel or a client
// sharing the box: POST /api/executions (the one-task workflow of bench/http.mjs, SQLite
// FULL, API tokens on, logs silenced) pushed through the server's request listener on real
// IncomingMessage / ServerResponse objects whose socket discards what is written, 50 in
// flight as 50 connections would be, each execution then run to its end; rounds of N, the
// CPU time of the process per request (the whole execution: request, start, task, commits).
//   npm run build && node bench/http-post-js.mjs [N per round, default 2000] [--rounds 5] [--warmup 1]
// The profile of one run: node --cpu-prof --cpu-prof-dir=/tmp/p bench/http-post-js.mjs
// Instructions per request, which the box's load does not move (collection on for the measured rounds only):
//   valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p node bench/http-post-js.mjs 600 --rounds 1 --warmup 5 --callgrind
//   (then Ir in the dump / (N × rounds))
// --latency: also each measured start's time from the listener's call to its answer's end (p50, p90, p99, max).
// --secret: each execution of a workflow declaring a secret input gets a token of its own
//   (a per-run credential), so the masker learns a new secret at every start.
// --loop-delay: also the event loop's delay over the measured rounds (perf_hooks, 1 ms timer):
//   how long anything else on the loop (a GET, a stream's write) waited behind the starts.
import { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Sink, startInProcessServer } from './lib-in-process.mjs';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const warmupAt = args.indexOf('--warmup');
// Rounds of N before measuring, so the JIT has compiled the hot code (under callgrind, a
// short warm-up leaves TurboFan's compiles in the count).
const WARMUP = warmupAt >= 0 ? Number(args[warmupAt + 1]) : 1;
const IN_FLIGHT = 50;
const CALLGRIND = args.includes('--callgrind');
const LOOP_DELAY = args.includes('--loop-delay');
const LATENCY = args.includes('--latency');
const SECRET = args.includes('--secret');
/** Each measured request's time from the listener's call to its answer's end, ms. */
const latencies = [];
let measuring = false;
const collect = (on) => CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });
const { dir, store, engine, h } = await startInProcessServer('ph-post-', () => ({ tokens: 'bench-token' }));
const listener = h.server.listeners('request')[0];
let started = 0;
const bodyOf = () =>
  SECRET
    ? Buffer.from(JSON.stringify({ workflow_ref: 'bench.secret', input: { token: `tok_${String(started++).padStart(8, '0')}_${'k'.repeat(24)}` } }))
    : Buffer.from(JSON.stringify({ workflow_ref: 'bench.one', input: { n: 1 } }));
const headers = { host: '127.0.0.1', authorization: 'Bearer bench-token', 'content-type': 'application/json', 'content-length': String(bodyOf().length) };
started = 0;
const rawHeaders = Object.entries(headers).flat();
let failures = 0;
function one() {
  return new Promise((resolve) => {
    const began = performance.now();
    const socket = new Sink();
    const req = new IncomingMessage(socket);
    req.method = 'POST';
    req.url = '/api/executions';
    req.headers = { ...headers };
    req.rawHeaders = rawHeaders;
    // As node's parser does at the message's end.
    req.complete = true;
    req.push(bodyOf());
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => {
      if (res.statusCode !== 201) failures += 1;
      if (measuring) latencies.push(performance.now() - began);
      resolve();
    });
    listener(req, res);
  });
}
let finished = 0;
let target = 0;
let allFinished = () => {};
engine.bus.subscribe({}, (e) => {
  if (e.event_type === 'workflow_completed' || e.event_type === 'workflow_failed') {
    finished += 1;
    if (finished === target) allFinished();
  }
});
async function round() {
  target += N;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const connection = async () => {
    while (next < N) {
      next += 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, connection));
  // Every started execution runs to its end: the figure is the whole execution's.
  if (finished < target) await new Promise((resolve) => (allFinished = resolve));
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / N, user: used.user / N, wall: ((performance.now() - t0) * 1000) / N };
}
for (let w = 0; w < WARMUP; w += 1) await round();
const results = [];
collect(true);
const delay = LOOP_DELAY ? monitorEventLoopDelay({ resolution: 1 }) : null;
delay?.enable();
measuring = LATENCY;
for (let r = 0; r < ROUNDS; r += 1) results.push(await round());
collect(false);
measuring = false;
delay?.disable();
const ms = (ns) => (ns / 1e6).toFixed(2);
if (delay) console.log(`event loop delay over the measured rounds: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`);
if (LATENCY) {
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))].toFixed(2);
  console.log(`latency over the measured rounds: p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms, max ${latencies.at(-1).toFixed(2)} ms`);
}
const best = (k) => Math.min(...results.map((x) => x[k]));
const median = (k) => results.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(
  `in-process POST /api/executions, ${N} per round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds (load average ${loadavg()[0].toFixed(1)}): ` +
    `${SECRET ? 'a new secret input each, ' : ''}CPU per request best ${best('cpu').toFixed(1)} µs, median ${median('cpu').toFixed(1)} µs (user ${median('user').toFixed(1)}); wall median ${median('wall').toFixed(1)} µs; ${failures} non-201` +
    (SECRET ? `; the masker knows ${engine.secrets.size}` : ''),
);
await h.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
