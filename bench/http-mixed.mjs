// Reads beside a start load: how long a status read waits while the server starts executions.
// A real server (SQLite, synchronous=FULL, API tokens on, logs silenced) in this process;
// autocannon in two processes of its own: POST /api/executions on 50 connections (each start
// runs its one-task execution), and GET /api/executions/:id of a finished execution at a
// fixed rate on one connection (open loop: its requests do not wait for the starts).
//   npm run build && node bench/http-mixed.mjs [--seconds 8] [--get-rate 200]
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startInProcessServer } from './lib-in-process.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SECONDS = arg('seconds', 8);
const GET_RATE = arg('get-rate', 200);
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const auth = { authorization: 'Bearer bench-token' };

function cannon(url, method, connections, extra, body) {
  const argv = [AUTOCANNON, '-j', '-c', String(connections), '-d', String(SECONDS), '-m', method, ...extra];
  for (const [name, value] of Object.entries({ ...auth, ...(body ? { 'content-type': 'application/json' } : {}) })) argv.push('-H', `${name}=${value}`);
  if (body) argv.push('-b', body);
  argv.push(url);
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited with ${code}`)))),
  );
}

const { dir, store, engine, h } = await startInProcessServer('ph-mixed-', () => ({ tokens: 'bench-token' }));
const start = JSON.stringify({ workflow_ref: 'bench.one', input: { n: 1 } });
const first = await (await fetch(`${h.url}/api/executions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: start })).json();
await engine.waitForCompletion(first.execution_id);
const cpu = process.cpuUsage();
const [posts, gets] = await Promise.all([
  cannon(`${h.url}/api/executions`, 'POST', 50, [], start),
  cannon(`${h.url}/api/executions/${first.execution_id}`, 'GET', 1, ['-R', String(GET_RATE)]),
]);
const used = process.cpuUsage(cpu);
console.log(
  `mixed, ${SECONDS} s (load average ${loadavg()[0].toFixed(1)}): POST ${Math.round(posts.requests.average)} req/s, p50 ${posts.latency.p50} ms, p99 ${posts.latency.p99} ms ` +
    `(${posts.non2xx} non-2xx); GET at ${GET_RATE}/s: p50 ${gets.latency.p50} ms, p90 ${gets.latency.p90} ms, p99 ${gets.latency.p99} ms, max ${gets.latency.max} ms; ` +
    `server CPU ${(((used.user + used.system) / Math.max(1, posts.requests.total)) | 0)} µs per start`,
);
await h.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
