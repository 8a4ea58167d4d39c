/**
 * A Harmonia node: the engine plus what lets several nodes share one PostgreSQL
 * database — claiming executions under leases, renewing them, fencing every write with
 * the lease token, carrying on the executions of dead nodes, handing work back on
 * shutdown, and a bus that carries every node's events. On SQLite it is the engine alone.
 */
import { createEngine } from '../engine/engine.js';
import type { Engine } from '../engine/engine-api.js';
import type { EventBus } from '../engine/event-bus.js';
import type { EngineLogger } from '../engine/runner.js';
import { isPostgresStore } from '../store/create-store.js';
import type { EventNotifier } from '../store/postgres/create-notifier.js';
import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { leadAlone, leadOnPostgres, type LeaderTask, type LeaderWork, type LeadOptions } from './lead.js';
import { createLeaseBook } from './lease-book.js';
import { resolveNodeOptions, type NodeOptions, type ResolvedNodeOptions } from './node-options.js';
import { createSharedBus, type SharedBus } from './shared-bus.js';
import { createLeaseKeeper, type LeaseKeeper } from './lease-keeper.js';
import { openControlChannel, type ControlChannel, type ControlRequest } from './control-channel.js';
import { HarmoniaError } from '../core/errors.js';
import type { ControlKind } from '../engine/control-rules.js';
import type { Approver } from '../core/wait-wire.js';

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface ClusterNode {
  readonly node_id: string;
  readonly engine: Engine;
  /** The engine's bus: on PostgreSQL it carries the events of every node, each once and in seq order. */
  readonly bus: EventBus;
  /** True on PostgreSQL (leases, shared events); false on SQLite (one node). */
  readonly clustered: boolean;
  readonly options: ResolvedNodeOptions;
  /** Starts the engine, the event bridge, lease renewal and claiming (SQLite: recovers every unfinished execution). */
  start(): Promise<void>;
  /**
   * Graceful shutdown: stops claiming, gives running executions up to `grace_ms` to
   * finish, aborts what is still running and hands its leases back so other nodes carry
   * it on at once. The store stays open. Safe to call twice.
   */
  close(options?: { grace_ms?: number }): Promise<void>;
  /** False while the database cannot be reached (no claiming; own tasks aborted once the lease ran out). */
  healthy(): boolean;
  /** Looks for claimable executions now (as the claim loop does every claim_interval_ms); resolves with how many were claimed. */
  claimNow(): Promise<number>;
  /**
   * Runs `work` on whichever one node leads `key` (git polling); on SQLite, here.
   * `on_nudge` is called on the leader when any node calls nudge(key).
   */
  lead(key: string, work: LeaderWork, options?: LeadOptions): LeaderTask;
  /** Asks the node leading `key` to act now (a webhook that reached this node); nothing happens while nobody leads. */
  nudge(key: string): Promise<void>;
  /** Runs `fn` while no other node runs work under `key` (waits its turn): the start-up pack sync. */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Only the events this node's engine commits (bus carries every node's): for per-node metrics. */
  readonly local_bus: EventBus;
}

/**
 * Creates a node. On a PostgreSQL store it joins the cluster of nodes sharing that
 * database; on SQLite it is the single-node engine.
 * @example
 * const node = createNode({ store, actions, lease_ms: 4000 });
 * await node.start();
 * process.on('SIGTERM', () => void node.close({ grace_ms: 10_000 }));
 */
export function createNode(options: NodeOptions): ClusterNode {
  const resolved = resolveNodeOptions(options);
  const logger = options.logger ?? silent;
  const store = options.store;
  if (!isPostgresStore(store)) return singleNode(options, resolved, logger);
  return clusterNode(store, options, resolved, logger);
}

function singleNode(options: NodeOptions, resolved: ResolvedNodeOptions, logger: EngineLogger): ClusterNode {
  const engine = createEngine(options);
  let closed: Promise<void> | null = null;
  const nudged = new Map<string, Set<() => void>>();
  return {
    node_id: resolved.node_id,
    engine,
    bus: engine.bus,
    local_bus: engine.bus,
    clustered: false,
    options: resolved,
    start: () => engine.start(),
    close: (opts = {}) =>
      (closed ??= (async () => {
        await finishWithin(engine, opts.grace_ms ?? resolved.shutdown_grace_ms);
        await engine.stop();
      })()),
    healthy: () => true,
    claimNow: async () => 0,
    lead(key, work, leadOptions = {}) {
      const onNudge = leadOptions.on_nudge;
      if (!onNudge) return leadAlone(key, work, logger);
      const listeners = nudged.get(key) ?? new Set<() => void>();
      nudged.set(key, listeners.add(onNudge));
      const task = leadAlone(key, work, logger);
      return { ...task, isLeader: task.isLeader, stop: () => (listeners.delete(onNudge), task.stop()) };
    },
    nudge: async (key) => {
      for (const listener of nudged.get(key) ?? []) listener();
    },
    exclusive: (_key, fn) => fn(),
  };
}

function isFinished(status: string | undefined): boolean {
  return status === undefined || status === 'completed' || status === 'failed' || status === 'canceled';
}

/** Waits up to `graceMs` for the executions running now to finish or reach a durable wait. */
async function finishWithin(engine: Engine, graceMs: number): Promise<void> {
  const ids = engine.driving();
  if (ids.length === 0 || graceMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([Promise.all(ids.map((id) => engine.whenIdle(id).catch(() => undefined))), deadline]);
  clearTimeout(timer);
}

/** Runs a control on an execution this node drives. */
async function applyHere(engine: Engine, nodeId: string, request: ControlRequest): Promise<void> {
  const id = request.execution_id;
  if (!engine.driving().includes(id)) {
    throw new HarmoniaError('EXEC_INVALID_STATE', `execution '${id}' is no longer run by node '${nodeId}'; send the ${request.kind} again`, {
      details: { execution_id: id },
    });
  }
  const task = request.task_id ?? '';
  const data = request.data ?? {};
  const byParent = typeof data.by_parent === 'string' ? { by_parent: data.by_parent } : undefined;
  const run: Record<ControlKind | 'signal' | 'approval', () => Promise<unknown>> = {
    signal: () => engine.signal(id, String(data.name), (data.payload ?? {}) as Record<string, unknown>, typeof data.sent_by === 'string' ? data.sent_by : null),
    approval: () =>
      engine.decideApproval(id, task, data.decision === 'approve' ? 'approve' : 'reject', data.approver as Approver, typeof data.comment === 'string' ? data.comment : null),
    pause: () => engine.pause(id, byParent),
    resume: () => engine.resume(id, byParent),
    cancel: () => engine.cancel(id),
    terminate: () => engine.terminate(id),
    retry_execution: () => engine.retry(id),
    rerun: () => engine.rerunFrom(id, task),
    skip: () => engine.skipTask(id, task),
  };
  const control = run[request.kind as ControlKind | 'signal' | 'approval'] as (() => Promise<unknown>) | undefined;
  if (!control) throw new HarmoniaError('USAGE_INVALID', `unknown control '${request.kind}'`);
  await control();
}

function clusterNode(store: PostgresStore, options: NodeOptions, resolved: ResolvedNodeOptions, logger: EngineLogger): ClusterNode {
  const nodeId = resolved.node_id;
  const book = createLeaseBook(nodeId, resolved.lease_ms);
  let notifier: EventNotifier | null = null;
  let offNotifier: (() => void) | null = null;
  let listening = false;
  const follow = (): void => {
    // This node's own commits are on the bus before their announcement arrives: not read back.
    if (listening && notifier && !offNotifier) {
      offNotifier = notifier.subscribe((events) => bus.ingest(events), { seen: (id, toSeq) => bus.delivered(id, toSeq) });
    }
    if (!listening && offNotifier) {
      offNotifier();
      offNotifier = null;
    }
  };
  const bus: SharedBus = createSharedBus({
    read: (id, after, limit) => store.executions.readEvents(id, after, limit),
    onActive: (active) => {
      listening = active;
      follow();
    },
    onError: (error) => logger.warn('an event listener threw', { error: String(error) }),
  });
  let keeper: LeaseKeeper | null = null;
  let controls: ControlChannel | null = null;
  const forward = async (id: string, kind: ControlKind | 'signal' | 'approval', taskId?: string, data?: Record<string, unknown>): Promise<void> => {
    const request: ControlRequest = taskId === undefined ? { execution_id: id, kind } : { execution_id: id, kind, task_id: taskId };
    if (data !== undefined) request.data = data;
    // Nobody holds it (its node died and the lease ran out): carry it on here and apply the control.
    if (await keeper?.takeOver(id)) {
      // Recovering it may have finished it (an interrupted task out of attempts).
      if (engine.driving().includes(id)) await applyHere(engine, nodeId, request);
      return;
    }
    const lease = await store.leases.getLease(id);
    if (!lease && options.canClaim?.() === false && !isFinished((await store.executions.getExecution(id))?.status)) {
      // Nobody holds it, and this node may not take it: a silent no-op would drop the control.
      throw new HarmoniaError('EXEC_INVALID_STATE', `no node runs execution '${id}' and node '${nodeId}' is not ready to take it over (see /ready); send the ${kind} to a ready node`, {
        details: { execution_id: id },
      });
    }
    if (!lease) return; // finished meanwhile: the caller reads the record as it is
    if (lease.node_id === nodeId || !controls) {
      throw new HarmoniaError('EXEC_INVALID_STATE', `execution '${id}' is changing hands; send the ${kind} again`, { details: { execution_id: id } });
    }
    try {
      await controls.send(lease.node_id, request, resolved.control_timeout_ms);
    } catch (error) {
      // It finished between the lease read and the holder's answer: as with no lease, the caller reads the record.
      if (error instanceof HarmoniaError && error.code === 'EXEC_INVALID_STATE' && isFinished((await store.executions.getExecution(id))?.status)) return;
      throw error;
    }
  };
  const engine = createEngine({
    ...options,
    bus,
    ownership: {
      check: (tx, ids) => book.check(tx, ids),
      claim: (tx, id) => book.claim(tx, id),
      finish: (tx, ids) => book.finish(tx, ids),
      // Without it every group commit ran as a transaction of four or five statements.
      tokens: (ids, require) => book.tokens(ids, require),
      released: (id, finished) => keeper?.released(id, finished),
      forward,
    },
  });
  keeper = createLeaseKeeper({ store, engine, book, options: resolved, logger, ...(options.canClaim ? { canClaim: options.canClaim } : {}) });
  const leaders = new Set<LeaderTask>();
  let started = false;
  let closed: Promise<void> | null = null;

  return {
    node_id: nodeId,
    engine,
    bus,
    local_bus: bus.local,
    clustered: true,
    options: resolved,
    async start() {
      if (started) return;
      started = true;
      notifier = await store.coordination.events({
        on_error: (error) => logger.warn('event notifications interrupted', { error: error.message }),
        on_reconnect: () => bus.resync(),
      });
      follow();
      controls = await openControlChannel(store.coordination, nodeId, (request) => applyHere(engine, nodeId, request), logger);
      await engine.start();
      await keeper?.start();
      logger.info('node joined', { node_id: nodeId, lease_ms: resolved.lease_ms });
    },
    close: (opts = {}) =>
      (closed ??= (async () => {
        keeper?.stopClaiming();
        await finishWithin(engine, opts.grace_ms ?? resolved.shutdown_grace_ms);
        await engine.stop();
        await Promise.all([...leaders].map((task) => task.stop()));
        await keeper?.stop();
        offNotifier?.();
        offNotifier = null;
        await notifier?.close();
        await controls?.close();
        logger.info('node left', { node_id: nodeId });
      })()),
    healthy: () => keeper?.healthy() ?? false,
    claimNow: () => keeper?.claimRound() ?? Promise.resolve(0),
    nudge: (key) => store.coordination.nudgeLeader(key),
    exclusive: (key, fn) => store.coordination.withLeaderLock(key, fn),
    lead(key, work, leadOptions = {}) {
      const task = leadOnPostgres(store.coordination, key, work, resolved.heartbeat_ms, logger, leadOptions);
      leaders.add(task);
      return task;
    },
  };
}
