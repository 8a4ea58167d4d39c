// Instructions of one list read through Koa with a query, in process (the socket discards what
// is written): GET /api/executions?<QUERY> N times after 500 of warm-up, API tokens on.
//   npm run build && N=2000 valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/query-read.mjs
// Run with N=0 too: the difference divided by N is the instructions per request.
import { IncomingMessage, ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import { Sink, startInProcessServer } from './lib-in-process.mjs';
const token = 'bench-token';
const { dir, store, h } = await startInProcessServer('pq-', () => ({ tokens: token }));
const QUERY = process.env.QUERY ?? 'limit=50&offset=0&status=completed&workflow_ref=bench.one&text=cafe';
const listener = h.server.listeners('request')[0];
function one() {
  return new Promise((resolve) => {
    const socket = new Sink();
    const req = new IncomingMessage(socket);
    req.method = 'GET'; req.url = `/api/executions?${QUERY}`; req.headers = { host: '127.0.0.1', authorization: `Bearer ${token}` };
    req.rawHeaders = ['host', '127.0.0.1', 'authorization', `Bearer ${token}`];
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => resolve(res.statusCode));
    listener(req, res);
  });
}
for (let i = 0; i < 500; i += 1) if ((await one()) !== 200) throw new Error('not a 200');
const N = Number(process.env.N ?? 2000);
for (let i = 0; i < N; i += 1) await one();
await h.close();
store.close?.();
rmSync(dir, { recursive: true, force: true });
