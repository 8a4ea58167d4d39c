// Instructions per kept status read, in process (as bench/http-js.mjs: GET /api/executions/:id of
// a finished execution, API tokens on, through the server's own listener on a socket that
// discards what is written): 1,000 reads of warm-up, then N. Run it under callgrind at two
// values of N; the difference over the difference in N is the instructions per read, and the
// load of the box does not move it.
//   npm run build
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/http-js-instructions.mjs 5000
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/http-js-instructions.mjs 1000
import { IncomingMessage, ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import { Sink, startInProcessServer } from './lib-in-process.mjs';

const N = Number(process.argv[2] ?? 1000);
const { dir, store, engine, h } = await startInProcessServer('phi-', () => ({ tokens: 'bench-token' }));
const auth = 'Bearer bench-token';
const first = await (await fetch(`${h.url}/api/executions`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ workflow_ref: 'bench.one', input: {} }) })).json();
await engine.waitForCompletion(first.execution_id);
const path = `/api/executions/${first.execution_id}`;
await (await fetch(h.url + path, { headers: { authorization: auth } })).text();
const listener = h.server.listeners('request')[0];
function one() {
  return new Promise((resolve) => {
    const socket = new Sink();
    const req = new IncomingMessage(socket);
    req.method = 'GET'; req.url = path; req.headers = { host: '127.0.0.1', authorization: auth };
    req.rawHeaders = ['host', '127.0.0.1', 'authorization', auth];
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', resolve);
    listener(req, res);
  });
}
for (let i = 0; i < 1000; i += 1) await one();
for (let i = 0; i < N; i += 1) await one();
await h.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
