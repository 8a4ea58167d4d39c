// Process CPU time of the chat client reading one 7 MiB server-sent line in 1 KiB writes (docs/performance.md, "core.llm audit").
// Run after npm run build: node bench/llm-stream-long-line-cpu.mjs
import { createServer } from 'node:http';
import { createChatClient } from '../dist/llm/chat-client.js';
const server = createServer((req, res) => {
  req.resume(); req.on('end', async () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const piece = 'x'.repeat(1024);
    res.write('data: ');
    let n = 0;
    const more = () => { if (n >= 7000) { res.end('\n\n'); return; } n++; res.write(piece); setImmediate(more); };
    more();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const c = createChatClient({ base_url: `http://127.0.0.1:${server.address().port}/v1`, model: 'm', max_retries: 0 });
const t = process.cpuUsage();
let chunks = 0;
try { await c.complete({ messages: [{ role: 'user', content: 'x' }], on_text: () => {} }); } catch (e) { console.log(e.error_type, e.message.slice(0, 80)); }
const u = process.cpuUsage(t); console.log('cpu ms', (u.user + u.system) / 1000);
server.close(); server.closeAllConnections();
