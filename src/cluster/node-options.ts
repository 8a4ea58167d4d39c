import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { HarmoniaError } from '../core/errors.js';
import type { EngineOptions } from '../engine/engine-api.js';

export interface NodeOptions extends Omit<EngineOptions, 'bus' | 'ownership'> {
  /** Names this node in lease rows and logs; unique among the nodes. @default `<hostname>-<pid>-<random>` */
  node_id?: string;
  /**
   * How long a claim or renewal holds an execution; a node that stops renewing (cut off,
   * frozen) loses its work after this. A node whose process died loses it at once: its
   * liveness lock goes with its database session. @default 15000
   */
  lease_ms?: number;
  /** Time between lease renewals. @default lease_ms / 3 */
  heartbeat_ms?: number;
  /**
   * Renewals run on a thread of their own (PostgreSQL), so a stalled event loop keeps its
   * leases; after this long without the loop answering that thread, renewals stop and
   * peers take the executions over. @default max(3 × lease_ms, 30000)
   */
  watchdog_ms?: number;
  /** Time between looks for unclaimed or expired executions (also made whenever a slot frees). @default 1000 */
  claim_interval_ms?: number;
  /** Most executions claimed in one statement. @default 50 */
  claim_batch?: number;
  /** On close, how long running executions get to finish before their tasks are aborted and handed back. @default 10000 */
  shutdown_grace_ms?: number;
  /** How long a control sent to the node running an execution waits for its answer. @default 5000 */
  control_timeout_ms?: number;
  /**
   * Asked before every claim (of free or expired executions, and takeovers for a control):
   * while it answers false the node claims nothing, though it still serves reads, streams and
   * executions it already holds. The server answers with git readiness, so a node whose
   * checkout is behind does not carry on a dead node's work. @default () => true
   */
  canClaim?: () => boolean;
}

export interface ResolvedNodeOptions {
  node_id: string;
  lease_ms: number;
  heartbeat_ms: number;
  watchdog_ms: number;
  claim_interval_ms: number;
  claim_batch: number;
  shutdown_grace_ms: number;
  control_timeout_ms: number;
}

/** A node id unlikely to repeat across hosts and restarts: `<hostname>-<pid>-<4 random bytes>`. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function positive(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid ${name} '${value}'; expected whole milliseconds of at least ${min}`);
  }
  return value;
}

/** Applies the defaults documented on NodeOptions; throws CONFIG_INVALID on a bad value. */
export function resolveNodeOptions(options: NodeOptions): ResolvedNodeOptions {
  // Failover after a crash takes a claim interval (the liveness lock); after a partition or
  // a freeze, lease + claim interval. A 4 s lease would bound the latter by 5 s and, renewed
  // from its own thread, survives event-loop stalls; it is not the default until the loaded
  // three-node runs at 4 s are steady (operations.md).
  const lease = positive('lease_ms', options.lease_ms ?? 15_000, 100);
  const heartbeat = positive('heartbeat_ms', options.heartbeat_ms ?? Math.floor(lease / 3), 10);
  if (heartbeat >= lease) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid heartbeat_ms '${heartbeat}'; expected less than lease_ms (${lease}), a third of it by default`);
  }
  const nodeId = options.node_id ?? defaultNodeId();
  if (nodeId.length === 0) throw new HarmoniaError('CONFIG_INVALID', "invalid node_id ''; expected a non-empty name");
  return {
    node_id: nodeId,
    lease_ms: lease,
    heartbeat_ms: heartbeat,
    watchdog_ms: positive('watchdog_ms', options.watchdog_ms ?? Math.max(3 * lease, 30_000), 10),
    claim_interval_ms: positive('claim_interval_ms', options.claim_interval_ms ?? 1000, 10),
    claim_batch: positive('claim_batch', options.claim_batch ?? 50, 1),
    shutdown_grace_ms: positive('shutdown_grace_ms', options.shutdown_grace_ms ?? 10_000, 0),
    control_timeout_ms: positive('control_timeout_ms', options.control_timeout_ms ?? 5000, 1),
  };
}
