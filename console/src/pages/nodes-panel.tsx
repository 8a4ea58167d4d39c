/**
 * The cluster's nodes (PostgreSQL only), as the status response lists them. Whether a
 * node is alive is the server's answer (by the database's clock), not worked out from
 * this browser's clock; the heartbeat's age is shown for people to read.
 */
import type { ClusterNodeView } from '../../../src/core/wire.js';
import { formatAgo, formatTime } from '../components/format.js';

export function NodesPanel(props: { nodes: ClusterNodeView[]; now: number }) {
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Cluster nodes</h2>
      {props.nodes.length === 0 ? (
        <p class="muted">No node has sent a heartbeat yet.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">State</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col">Executions held</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {props.nodes.map((node) => (
              <tr key={node.node_id}>
                <td class="mono">{node.node_id}</td>
                <td>
                  <span class={`badge health-${node.alive ? 'healthy' : 'stale'}`}>{node.alive ? 'alive' : 'gone'}</span>
                </td>
                <td title={node.heartbeat_at}>{formatAgo(node.heartbeat_at, props.now)}</td>
                <td>{node.executions}</td>
                <td>{formatTime(node.started_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
