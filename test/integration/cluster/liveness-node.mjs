// One cluster node in its own process, for the liveness-lock tests: opens the PostgreSQL
// store (a schema the test made) and starts a node from dist/ (built before these tests run)
// whose action 'test.hold' runs until the test sends { type: 'finish' }, even after its abort
// signal (so a stale result can reach the store). Talks to the test over IPC:
//   { type: 'start', workflow_ref } starts an execution here; the node sends { type: 'entered', execution_id } when the action runs
//   the node sends { type: 'aborted' } when the action's signal aborts
//   { type: 'finish' } lets the action return { by: <node id> }
//   { type: 'driving' } answers { type: 'driving', ids } (the executions this node drives)
// lease_ms and heartbeat_ms are optional arguments (the defaults when empty).
import { createNode } from '../../../dist/cluster/index.js';
import { createPostgresStore } from '../../../dist/store/postgres/postgres-store.js';

const [url, schema, nodeId, leaseMs, heartbeatMs] = process.argv.slice(2);
const finishing = [];
const hold = {
  run: (_input, ctx) =>
    new Promise((resolve) => {
      ctx.signal.addEventListener('abort', () => process.send({ type: 'aborted' }), { once: true });
      finishing.push(() => resolve({ status: 'success', data: { by: nodeId } }));
      process.send({ type: 'entered', execution_id: ctx.execution_id });
    }),
};
const store = await createPostgresStore({ url, schema, pool_size: 4, application_name: nodeId });
const node = createNode({
  store,
  actions: { resolve: () => hold },
  node_id: nodeId,
  ...(leaseMs ? { lease_ms: Number(leaseMs) } : {}),
  ...(heartbeatMs ? { heartbeat_ms: Number(heartbeatMs) } : {}),
});
await node.start();

process.on('message', (message) => {
  if (message.type === 'start') void node.engine.startExecution({ workflow_ref: message.workflow_ref });
  else if (message.type === 'finish') for (const finish of finishing.splice(0)) finish();
  else if (message.type === 'driving') process.send({ type: 'driving', ids: node.engine.driving() });
});
process.on('SIGTERM', () => {
  void (async () => {
    await node.close({ grace_ms: 0 });
    await store.close();
    process.disconnect();
  })();
});
process.send({ type: 'ready' });
