// What Harmonia's own code costs per status read, without the kernel or a client sharing
// the box: GET /api/executions/:id (a finished execution, API tokens on, logs silenced)
// pushed through real IncomingMessage / ServerResponse objects on a socket that discards
// what is written, against a bare handler writing the same JSON; interleaved rounds, the
// best of 5 of each, CPU and wall time per request.
//   npm run build && node bench/http-js.mjs [N requests per round, default 3000] [--token-file]
// --token-file: the token comes from a token file (`harmonia token create`) instead of HARMONIA_API_TOKENS.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Sink, startInProcessServer } from './lib-in-process.mjs';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
const { createToken } = await import(new URL('../dist/server/tokens.js', import.meta.url).pathname);
const TOKEN_FILE = process.argv.includes('--token-file');
let token = 'bench-token';
const { dir, store, engine, h } = await startInProcessServer('ph-', (d) => {
  if (!TOKEN_FILE) return { tokens: token };
  const tokenFile = join(d, 'tokens.json');
  token = createToken(tokenFile, { scopes: ['admin'] }).token;
  return { token_file: tokenFile };
});
const auth = { authorization: `Bearer ${token}` };
const first = await (await fetch(`${h.url}/api/executions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ workflow_ref: 'bench.one', input: {} }) })).json();
await engine.waitForCompletion(first.execution_id);
const path = `/api/executions/${first.execution_id}`;
const text = await (await fetch(h.url + path, { headers: auth })).text();
// The server's own listener (the status fast path, then Koa), and Koa alone for comparison.
const harmonia = h.server.listeners('request')[0];
const koa = h.app.callback();
const bare = (req, res) => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }); res.end(text); };
function one(handler) {
  return new Promise((resolve) => {
    const socket = new Sink();
    const req = new IncomingMessage(socket);
    req.method = 'GET'; req.url = path; req.headers = { host: '127.0.0.1', authorization: auth.authorization };
    req.rawHeaders = ['host', '127.0.0.1', 'authorization', auth.authorization];
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', resolve);
    handler(req, res);
  });
}
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3000);
async function round(handler) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < N; i += 1) await one(handler);
  const used = process.cpuUsage(cpu);
  return { wall: ((performance.now() - started) * 1000) / N, cpu: (used.user + used.system) / N };
}
await round(harmonia); await round(koa); await round(bare);
let hb = Infinity, bb = Infinity, hc = Infinity, bc = Infinity, kb = Infinity, kc = Infinity;
for (let r = 0; r < 5; r += 1) {
  const a = await round(harmonia);
  const k = await round(koa);
  const b = await round(bare);
  hb = Math.min(hb, a.wall);
  kb = Math.min(kb, k.wall);
  bb = Math.min(bb, b.wall);
  hc = Math.min(hc, a.cpu);
  kc = Math.min(kc, k.cpu);
  bc = Math.min(bc, b.cpu);
}
console.log(`in-process GET /api/executions/:id${TOKEN_FILE ? ' (token file)' : ''} (load average ${loadavg()[0].toFixed(1)}): harmonia ${hb.toFixed(1)} µs wall ${hc.toFixed(1)} µs CPU per request (Koa path alone ${kb.toFixed(1)} µs wall ${kc.toFixed(1)} µs CPU); bare ${bb.toFixed(1)} µs wall ${bc.toFixed(1)} µs CPU; ratio ${(bb / hb).toFixed(3)} (CPU ${(bc / hc).toFixed(3)})`);
await h.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
