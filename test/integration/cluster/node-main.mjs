// One Harmonia node in its own process, for the multi-node test: opens the PostgreSQL
// store (a schema the test made), starts a cluster node from dist/ (built by `npm test`
// before vitest runs) with the test pack's shell action, serves the HTTP API (SSE
// streams included) on a free port, and answers the test over IPC:
//   { type: 'start', count }  starts `count` executions of cluster.fan here
//   { type: 'stream', count } keeps `count` executions of its own running until { type: 'stop' }
//   { type: 'report' }        sends back every event seen on this node's bus, by execution
// SIGTERM closes the node gracefully (hand back, release leases) and exits 0.
import { createActionRegistry } from '../../../dist/actions/action-registry.js';
import { pino } from 'pino';
import { createNode } from '../../../dist/cluster/index.js';
import { createPackSyncService } from '../../../dist/packs/sync-packs.js';
import { startServer } from '../../../dist/server/start-server.js';
import { createPostgresStore } from '../../../dist/store/postgres/postgres-store.js';

// leaseMs: optional, the node's lease_ms (default when empty).
const [url, schema, nodeId, packsDir, runLog, leaseMs] = process.argv.slice(2);

const logger = {
  info: () => undefined,
  warn: (message, fields) => process.stderr.write(`${Date.now()} ${nodeId} warn ${message} ${JSON.stringify(fields ?? {})}\n`),
  error: (message, fields) => process.stderr.write(`${Date.now()} ${nodeId} error ${message} ${JSON.stringify(fields ?? {})}\n`),
};

const store = await createPostgresStore({ url, schema, pool_size: 12, application_name: nodeId });
const record = { runner: 'shell', entry_point: 'record.sh', parameters: {} };
const actions = createActionRegistry({
  packs: (ref) => (ref === 'cluster' ? { dir: `${packsDir}/cluster`, actions: new Map([['record', record]]) } : null),
  parent_env: { PATH: process.env.PATH, RUN_LOG: runLog, NODE_ID: nodeId },
  env_allowlist: ['PATH', 'RUN_LOG', 'NODE_ID'],
});
const node = createNode({ store, actions, node_id: nodeId, logger, config: { packs_dir: packsDir }, ...(leaseMs ? { lease_ms: Number(leaseMs) } : {}) });

// Every event this node's bus delivers, local or from other nodes, in delivery order.
const seen = new Map();
node.bus.subscribe({}, (event) => {
  let list = seen.get(event.execution_id);
  if (!list) seen.set(event.execution_id, (list = []));
  list.push(event.seq);
});

await node.start();
const server = await startServer({
  store,
  engine: node.engine,
  packs: createPackSyncService({ store, packsDir }),
  host: '127.0.0.1',
  port: 0,
  logger: pino({ level: 'silent' }),
});

process.on('message', (message) => {
  if (message.type === 'start') {
    void (async () => {
      const started = Array.from({ length: message.count }, () => node.engine.startExecution({ workflow_ref: 'cluster.fan' }));
      process.send({ type: 'started', ids: (await Promise.all(started)).map((run) => run.id) });
    })();
  } else if (message.type === 'stream') {
    streaming = true;
    for (let i = 0; i < message.count; i += 1) void keepStarting();
  } else if (message.type === 'stop') {
    streaming = false;
    process.send({ type: 'stopped' });
  } else if (message.type === 'report') {
    process.send({ type: 'report', seen: Object.fromEntries(seen) });
  }
});

// { type: 'stream', count } keeps `count` executions of this node's own running, each
// started as the last one ends, until { type: 'stop' }: work in hand while it takes over a dead node's.
let streaming = false;
async function keepStarting() {
  while (streaming) {
    const run = await node.engine.startExecution({ workflow_ref: 'cluster.fan' });
    await node.engine.waitForCompletion(run.id);
  }
}

process.on('SIGTERM', () => {
  void (async () => {
    await node.close();
    await server.close();
    await store.close();
    process.send({ type: 'closed' });
    process.disconnect();
  })();
});

process.send({ type: 'ready', url: server.url });
