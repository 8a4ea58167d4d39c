import { performance } from 'node:perf_hooks';
import type { Engine } from '../engine/engine-api.js';
import type { EngineLogger } from '../engine/runner.js';
import type { ExecutionLease, LeaseRenewer, LeaseRenewerOptions, LeaseRepo, NodeLiveness, NodeLivenessOptions, Store } from '../store/store.js';
import type { LeaseBook } from './lease-book.js';
import type { ResolvedNodeOptions } from './node-options.js';

const BACKOFF_FIRST_MS = 200;

/**
 * What the keeper logs (as errors) on finding a lease held here with nothing driving its
 * execution: never in a sound run, so the crash tests count them as problems.
 */
export const UNDRIVEN_LEASE = {
  adopted: 'an execution carried on here has no runner left; its lease goes back',
  idle: 'a lease held here had nothing driving its execution; carrying it on again',
} as const;

/** Epoch milliseconds, on the scale the renewal thread reports in (each thread's performance clock has its own origin). */
const epochNow = (): number => performance.timeOrigin + performance.now();

export interface LeaseKeeperOptions {
  /**
   * `renewals`, when the store has it, is where renewals run (see PostgresStore.renewals);
   * `startRenewer`, when it has that, runs them after the first off the event loop.
   */
  store: Store & {
    readonly leases: LeaseRepo;
    readonly renewals?: LeaseRepo;
    startRenewer?(options: LeaseRenewerOptions): LeaseRenewer;
    /** The node's liveness lock: taken before the first claim, so peers take this node's work as soon as it dies (see NodeLiveness). */
    holdLiveness?(options: NodeLivenessOptions): Promise<NodeLiveness>;
  };
  engine: Engine;
  book: LeaseBook;
  options: ResolvedNodeOptions;
  logger: EngineLogger;
  /** See NodeOptions.canClaim. @default () => true */
  canClaim?: () => boolean;
}

/** The loops of a cluster node: lease renewal (heartbeat) and claiming. */
export interface LeaseKeeper {
  /** Renews once (registering the node), then runs both loops. */
  start(): Promise<void>;
  /** One claim round: claims up to the engine's free capacity and hands the executions to it. */
  claimRound(): Promise<number>;
  /** Claims one execution if nobody holds it and carries it on here; false when another node holds it. */
  takeOver(executionId: string): Promise<boolean>;
  /** The engine stopped driving an execution: its lease goes back. */
  released(executionId: string, finished: boolean): void;
  healthy(): boolean;
  stopClaiming(): void;
  /** Stops renewing and hands every lease of the node back. */
  stop(): Promise<void>;
}

/** Creates the keeper (see LeaseKeeper). */
export function createLeaseKeeper(deps: LeaseKeeperOptions): LeaseKeeper {
  const { store, engine, book, options, logger } = deps;
  const nodeId = options.node_id;
  const leases = store.leases;
  const renewals = store.renewals ?? leases;
  const canClaim = deps.canClaim ?? (() => true);
  let held = false;
  let healthy = true;
  let claiming = false;
  let stopped = false;
  let failures = 0;
  let adopting = 0;
  let renewTimer: NodeJS.Timeout | null = null;
  let livenessTimer: NodeJS.Timeout | null = null;
  let liveness: NodeLiveness | null = null;
  // False while the liveness lock is lost: peers may have taken this node's executions, so it drives and claims none.
  let alive = true;
  let retryingLiveness = false;
  let expiryTimer: NodeJS.Timeout | null = null;
  let claimTimer: NodeJS.Timeout | null = null;
  let round: Promise<number> | null = null;
  let again = false;

  const timer = (ms: number, fn: () => void): NodeJS.Timeout => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  };

  const giveBack = (id: string, token: number): void => {
    void leases.releaseLease(id, token).catch((error: unknown) => logger.warn('could not release a lease', { execution_id: id, error: String(error) }));
  };

  /** The latest request to carry each execution on: only its outcome may give the lease back. */
  const requests = new Map<string, number>();
  let requested = 0;
  const adoptClaimed = (lease: Pick<ExecutionLease, 'execution_id' | 'token'>): Promise<boolean> => {
    adopting += 1;
    const request = (requested += 1);
    requests.set(lease.execution_id, request);
    const superseded = (): boolean => requests.get(lease.execution_id) !== request;
    return engine
      .adopt(lease.execution_id)
      .then(
        (adopted) => {
          // The lease stays only while something drives the execution here: an answer of
          // true with no runner left (let go meanwhile) would keep it renewed and idle.
          if (superseded() || book.token(lease.execution_id) !== lease.token || engine.driving().includes(lease.execution_id)) return adopted;
          if (adopted) logger.error(UNDRIVEN_LEASE.adopted, { execution_id: lease.execution_id });
          book.remove(lease.execution_id);
          giveBack(lease.execution_id, lease.token);
          return false;
        },
        (error: unknown) => {
          logger.error('could not carry on a claimed execution', { execution_id: lease.execution_id, error: String(error) });
          if (!superseded() && book.token(lease.execution_id) === lease.token && !engine.driving().includes(lease.execution_id)) {
            book.remove(lease.execution_id);
            giveBack(lease.execution_id, lease.token);
          }
          return false;
        },
      )
      .finally(() => {
        adopting -= 1;
        if (!superseded()) requests.delete(lease.execution_id);
      });
  };

  /**
   * Leases held here that nothing drives and no adoption is carrying on, with when (epoch
   * milliseconds) each was first seen so under its token. A node renews every lease it
   * holds, so one left so would keep its execution from every other node for good.
   */
  const unattended = new Map<string, { since: number; token: number }>();

  /**
   * After each renewal: a lease seen unattended for a whole lease_ms is carried on again
   * (given back if that fails). Not sooner: a control writing to an execution nothing
   * drives (a queued one's cancel) holds its lease without a runner for that one write.
   */
  const attend = (): void => {
    if (!claiming || !alive) return void unattended.clear();
    const now = epochNow();
    const driving = new Set(engine.driving());
    const seen = new Set<string>();
    for (const id of book.ids()) {
      const token = book.token(id);
      if (token === undefined || requests.has(id) || driving.has(id)) continue;
      seen.add(id);
      const entry = unattended.get(id);
      if (!entry || entry.token !== token) {
        unattended.set(id, { since: now, token });
        continue;
      }
      if (now - entry.since < options.lease_ms) continue;
      unattended.delete(id);
      logger.error(UNDRIVEN_LEASE.idle, { execution_id: id });
      void adoptClaimed({ execution_id: id, token });
    }
    for (const id of unattended.keys()) if (!seen.has(id)) unattended.delete(id);
  };

  /**
   * The lease may have run out without a renewal. Timers fire late after the event loop
   * stalled (a long collection, a starved CPU), and the renewal's answer may then be
   * waiting right behind this timer: hear it first, and give up only if it does not renew.
   */
  const expired = (): void => {
    expiryTimer = null;
    setImmediate(() => {
      if (expiryTimer === null && !stopped) abandonAll();
    });
  };

  /** The lease ran out without a renewal (or the liveness lock was lost): another node may run these executions now. */
  const abandonAll = (why = 'leases expired without renewal'): void => {
    const ids = book.ids();
    if (ids.length === 0) return;
    logger.error(`${why}; aborting this node's tasks`, { node_id: nodeId, executions: ids.length });
    for (const id of ids) {
      book.remove(id);
      void engine.relinquish(id);
    }
  };

  /** A renewal's answer, from this loop or the renewal thread: the leases run until `started` + lease_ms. */
  const renewed = (answer: readonly ExecutionLease[], started: number): void => {
    if (stopped) return;
    failures = 0;
    // Every lease ends lease_ms after the renewal ran; the start is the safe side of that.
    // Two renewers answer while the thread starts: only a later end moves the deadline.
    if (started >= renewedFrom) {
      renewedFrom = started;
      const left = Math.max(0, options.lease_ms - (epochNow() - started));
      if (expiryTimer) clearTimeout(expiryTimer);
      expiryTimer = timer(left, expired);
    }
    if (!healthy) {
      healthy = true;
      logger.info('database reachable again; claiming resumes', { node_id: nodeId });
      kick();
    }
    const { lost, orphaned } = book.reconcile(answer, started);
    for (const id of lost) {
      logger.warn('lease taken over by another node; stopping the execution here', { execution_id: id });
      void engine.relinquish(id);
    }
    // Still ours after a lost connection (or a failed write): carry them on from their events.
    // Not while the liveness lock is lost: peers may be taking them.
    if (!alive) return void unattended.clear();
    book.add(orphaned);
    for (const lease of orphaned) void adoptClaimed(lease);
    attend();
  };

  const renewFailed = (error: string): void => {
    if (stopped) return;
    failures += 1;
    if (healthy) {
      healthy = false;
      logger.warn('cannot renew leases; claiming stops until the database answers', { node_id: nodeId, error });
    }
  };

  let renewer: LeaseRenewer | null = null;
  let threadEnded = false;
  // Until the thread's first answer the loop goes on renewing: starting a worker (its
  // modules, its connection) can take longer than a short lease.
  let threadAnswered = false;
  // When the renewal that set the expiry timer started.
  let renewedFrom = -Infinity;
  const loopRenews = (): boolean => !store.startRenewer || threadEnded || !threadAnswered;

  async function renew(): Promise<void> {
    renewTimer = null;
    if (stopped) return;
    const started = epochNow();
    try {
      // With a renewal thread, its connection is the one more a node opens: the first
      // renewal (before the thread starts) goes through the pool already open.
      const through = store.startRenewer && !threadEnded ? leases : renewals;
      renewed(await through.renewLeases(nodeId, options.lease_ms), started);
    } catch (error) {
      renewFailed(String(error));
    }
    if (!stopped && renewTimer === null && loopRenews()) {
      // A slow answer (a stall, a busy database) leaves less of the lease than a heartbeat:
      // the next renewal then goes out while half of what is left remains.
      const left = Math.max(0, options.lease_ms - (epochNow() - started));
      const wait = failures === 0 ? Math.min(options.heartbeat_ms, left / 2) : Math.min(options.heartbeat_ms, BACKOFF_FIRST_MS * 2 ** (failures - 1));
      renewTimer = timer(wait, () => void renew());
    }
  }

  /** From the first renewal on, a store that can renews off this loop (see LeaseKeeperOptions.store). */
  const startRenewer = (): void => {
    if (stopped || !store.startRenewer) return;
    const ended = (error: string): void => {
      renewer = null;
      threadEnded = true;
      if (stopped) return;
      logger.error('the lease renewal thread ended; renewing from the event loop', { node_id: nodeId, error });
      if (renewTimer) clearTimeout(renewTimer);
      void renew();
    };
    try {
      renewer = store.startRenewer({
        node_id: nodeId,
        lease_ms: options.lease_ms,
        heartbeat_ms: options.heartbeat_ms,
        watchdog_ms: options.watchdog_ms,
        on_renewed: (answer, started) => {
          if (!threadAnswered) {
            threadAnswered = true;
            if (renewTimer) clearTimeout(renewTimer);
            renewTimer = null;
          }
          renewed(answer, started);
        },
        on_failed: renewFailed,
        on_wedged: () => logger.error('the event loop did not answer the renewal thread; renewals stopped until it does', { node_id: nodeId, watchdog_ms: options.watchdog_ms }),
        on_ended: ended,
      });
    } catch (error) {
      ended(String(error));
    }
  };

  /** Asks canClaim, logging when the answer changes (a throwing predicate counts as false). */
  const mayClaim = (): boolean => {
    let allowed: boolean;
    try {
      allowed = canClaim();
    } catch (error) {
      logger.warn('the claim predicate threw; claiming nothing this round', { node_id: nodeId, error: String(error) });
      allowed = false;
    }
    if (allowed === held) {
      held = !allowed;
      logger.info(allowed ? 'node may claim again; claiming resumes' : 'node is not ready; it claims no executions until it is', { node_id: nodeId });
    }
    return allowed;
  };

  /** The liveness lock was lost while a claim was under way: what it got goes back unstarted (true), as peers may be taking it. */
  const dropIfNotAlive = (claimed: readonly ExecutionLease[]): boolean => {
    if (alive) return false;
    for (const lease of claimed) giveBack(lease.execution_id, lease.token);
    return true;
  };

  /** Claims up to the free capacity; `full` when it got all it asked for (more may be waiting). */
  async function claimOnce(): Promise<{ claimed: number; full: boolean }> {
    if (stopped || !claiming || !healthy || !alive || !mayClaim()) return { claimed: 0, full: false };
    const room = Math.min(engine.capacity() - adopting, options.claim_batch);
    if (room <= 0) return { claimed: 0, full: false };
    const claimed = await leases.claimExecutions(nodeId, room, options.lease_ms);
    if (dropIfNotAlive(claimed)) return { claimed: 0, full: false };
    book.add(claimed);
    for (const lease of claimed) void adoptClaimed(lease);
    return { claimed: claimed.length, full: claimed.length === room };
  }

  /** Claim rounds run one at a time; a kick during a round runs another right after it. */
  function claimRound(): Promise<number> {
    if (round) {
      again = true;
      return round;
    }
    round = (async () => {
      let total = 0;
      try {
        for (;;) {
          again = false;
          const { claimed, full } = await claimOnce();
          total += claimed;
          if (!full && !again) break;
        }
      } catch (error) {
        logger.warn('claiming failed', { node_id: nodeId, error: String(error) });
      } finally {
        round = null;
      }
      return total;
    })();
    return round;
  }

  const loop = (): void => {
    if (stopped || !claiming) return;
    void claimRound().finally(() => {
      if (claimTimer) clearTimeout(claimTimer);
      if (!stopped && claiming) claimTimer = timer(options.claim_interval_ms, loop);
    });
  };

  let kicked = false;
  const kick = (): void => {
    if (kicked || !claiming) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      void claimRound();
    });
  };

  /**
   * Takes the liveness lock, and again whenever it is lost: until then the node drives
   * nothing. Only the first try (at start) waits for a previous process of this node id to go.
   */
  async function holdLiveness(first: boolean): Promise<void> {
    livenessTimer = null;
    if (stopped || !store.holdLiveness) return;
    let held: NodeLiveness;
    try {
      held = await store.holdLiveness({
        node_id: nodeId,
        wait_ms: first ? options.lease_ms : 0,
        ping_ms: options.heartbeat_ms,
        ping_timeout_ms: options.lease_ms,
      });
    } catch (error) {
      if (first) throw error;
      // Once per outage: it retries every heartbeat until the database answers.
      if (!retryingLiveness) logger.warn('cannot take the liveness lock again; retrying', { node_id: nodeId, error: String(error) });
      retryingLiveness = true;
      livenessTimer = timer(options.heartbeat_ms, () => void holdLiveness(false));
      return;
    }
    retryingLiveness = false;
    if (stopped) return void held.release();
    liveness = held;
    held.signal.addEventListener('abort', () => livenessLost(held), { once: true });
    if (!alive) {
      alive = true;
      logger.info('liveness lock held again; this node claims and drives executions again', { node_id: nodeId });
      // The renewal's answer hands back the executions still ours (orphaned), then claiming resumes.
      if (renewTimer) clearTimeout(renewTimer);
      void renew();
      kick();
    }
  }

  /** Peers now see this node as gone and may take its executions: stop driving them at once, as on an expired lease. */
  function livenessLost(held: NodeLiveness): void {
    if (stopped || liveness !== held) return;
    liveness = null;
    alive = false;
    logger.warn('liveness lock lost; peers may take this node\'s executions', { node_id: nodeId, error: String(held.signal.reason) });
    abandonAll('liveness lock lost');
    // Peers that saw the lock free take the executions meanwhile; taking it back at once would only race them for what this node just gave up.
    livenessTimer = timer(options.heartbeat_ms, () => void holdLiveness(false));
  }

  return {
    async start() {
      await holdLiveness(true);
      await renew();
      startRenewer();
      claiming = true;
      loop();
    },
    claimRound,
    async takeOver(id) {
      if (stopped || !healthy || !alive || !mayClaim()) return false;
      const lease = await leases.claimExecution(nodeId, id, options.lease_ms);
      if (!lease || dropIfNotAlive([lease])) return false;
      book.add([lease]);
      return adoptClaimed(lease);
    },
    released(id, finished) {
      const token = book.remove(id);
      // A finished execution's lease went in the transaction that finished it.
      if (!finished) {
        logger.warn('execution given up after a failed write; its lease goes back', { execution_id: id });
        if (token !== undefined) giveBack(id, token);
      }
      kick();
    },
    healthy: () => healthy && alive,
    stopClaiming() {
      claiming = false;
      if (claimTimer) clearTimeout(claimTimer);
    },
    async stop() {
      claiming = false;
      stopped = true;
      for (const handle of [renewTimer, expiryTimer, claimTimer, livenessTimer]) if (handle) clearTimeout(handle);
      await Promise.all([round, renewer?.stop()]);
      const released = await leases.releaseNode(nodeId).catch((error: unknown) => {
        logger.warn('could not hand leases back; they expire instead', { node_id: nodeId, error: String(error) });
        return 0;
      });
      logger.info('leases handed back', { node_id: nodeId, released });
      // After the leases: a peer that saw the lock free first would otherwise take them as a dead node's.
      await liveness?.release();
      liveness = null;
    },
  };
}
