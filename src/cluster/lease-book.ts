import { performance } from 'node:perf_hooks';
import { HarmoniaError } from '../core/errors.js';
import type { WriteFence } from '../engine/write-queue.js';
import type { ExecutionLease, LeaseRepo, StoreSession } from '../store/store.js';

interface Held {
  token: number;
  /** Renewals in a row that did not return this lease. */
  missed: number;
  /**
   * When it was recorded here (epochNow); Infinity while the transaction that claimed it is
   * open: a renewal reads committed rows only, so until then its answer lacks the lease.
   */
  since: number;
  /**
   * A commit here releases it (the execution finished): from then on renewals lack it, and
   * this node hears its own commit only after answers that read after it (a stalled loop
   * takes them in together), so no answer judges it; the release's caller removes it.
   */
  releasing: boolean;
}

/**
 * Epoch milliseconds, the scale renewals report their start in (each thread's performance
 * clock has its own origin; both count from the same wall clock).
 */
const epochNow = (): number => performance.timeOrigin + performance.now();

/** What a renewal found out. */
export interface RenewalOutcome {
  /** Leases this node no longer holds: stop driving those executions. */
  lost: string[];
  /** Leases the database says this node holds but nothing here drives (after a lost connection): carry them on. */
  orphaned: ExecutionLease[];
}

/**
 * The leases one node holds, with their fencing tokens: the fence on the engine's writes,
 * and the bookkeeping of claims, renewals and releases.
 */
export interface LeaseBook extends WriteFence {
  readonly node_id: string;
  token(executionId: string): number | undefined;
  /** Always offered: a node's group commits are one statement (ExecutionRepo.commitSteps). */
  tokens: NonNullable<WriteFence['tokens']>;
  claimsEnded: NonNullable<WriteFence['claimsEnded']>;
  /** Records leases just claimed outside a write (the claim loop). */
  add(leases: readonly ExecutionLease[]): void;
  /** Forgets a lease; returns its token when it was held. */
  remove(executionId: string): number | undefined;
  size(): number;
  ids(): string[];
  /**
   * Compares the answer of a renewal that started at `started` (epoch milliseconds) with
   * the book. A lease missing twice in a row is lost (once may be a claim that committed
   * while the renewal read; one claimed in a transaction still open is not judged at all:
   * a loaded node's creating transaction stayed open across two renewals, and its new
   * executions were given up and carried on again as interrupted). Answers reach the book late, several at once
   * after an event-loop stall, while the renewal thread went on: one that started before a
   * lease was recorded, or before it was given up here, says nothing about that lease.
   */
  reconcile(renewed: readonly ExecutionLease[], started: number): RenewalOutcome;
}

function unsafe(nodeId: string, executionId: string): HarmoniaError {
  return new HarmoniaError(
    'STORE_CONFLICT',
    `stale lease: node '${nodeId}' holds no lease on execution '${executionId}'; stop working on it`,
    { details: { execution_id: executionId, node_id: nodeId } },
  );
}

/** Creates the book of node `nodeId`, claiming for `leaseMs` at a time. */
export function createLeaseBook(nodeId: string, leaseMs: number): LeaseBook {
  const held = new Map<string, Held>();
  /** Leases given up here, with when: answers that started earlier are stale for them. */
  const dropped = new Map<string, number>();
  const leasesOf = (tx: StoreSession): LeaseRepo => {
    if (!tx.leases) throw new HarmoniaError('INTERNAL', 'a cluster node needs a store with leases (PostgreSQL)');
    return tx.leases;
  };
  return {
    node_id: nodeId,
    async check(tx, executionIds) {
      const leases = leasesOf(tx);
      const wanted = executionIds.map((id) => {
        const entry = held.get(id);
        if (!entry) throw unsafe(nodeId, id);
        return { execution_id: id, token: entry.token };
      });
      // One statement for the whole batch where the store offers it.
      if (leases.assertLeases) return leases.assertLeases(wanted);
      for (const { execution_id, token } of wanted) await leases.assertLease(execution_id, token);
    },
    async claim(tx, executionId) {
      const lease = await leasesOf(tx).claimExecution(nodeId, executionId, leaseMs);
      if (!lease) {
        throw new HarmoniaError('STORE_CONFLICT', `execution '${executionId}' is held by another node`, { details: { execution_id: executionId } });
      }
      held.set(executionId, { token: lease.token, missed: 0, since: Infinity, releasing: false });
    },
    claimsEnded(executionIds) {
      const now = epochNow();
      for (const id of executionIds) {
        const entry = held.get(id);
        if (entry && entry.since === Infinity) entry.since = now;
      }
    },
    async finish(tx, executionIds) {
      const leases = leasesOf(tx);
      const mine = executionIds.flatMap((id) => {
        const entry = held.get(id);
        if (entry) entry.releasing = true;
        return entry ? [{ execution_id: id, token: entry.token }] : [];
      });
      if (mine.length > 1 && leases.releaseLeases) {
        await leases.releaseLeases(mine);
        return;
      }
      for (const { execution_id, token } of mine) await leases.releaseLease(execution_id, token);
    },
    tokens(executionIds, require) {
      const found: Array<{ execution_id: string; token: number }> = [];
      for (const id of executionIds) {
        const entry = held.get(id);
        if (entry) found.push({ execution_id: id, token: entry.token });
        else if (require) throw unsafe(nodeId, id);
        // Without `require` these are the leases a one-statement commit releases.
        if (entry && !require) entry.releasing = true;
      }
      return found;
    },
    token: (id) => held.get(id)?.token,
    add(leases) {
      for (const lease of leases) held.set(lease.execution_id, { token: lease.token, missed: 0, since: epochNow(), releasing: false });
    },
    remove(id) {
      const entry = held.get(id);
      held.delete(id);
      if (entry) dropped.set(id, epochNow());
      return entry?.token;
    },
    size: () => held.size,
    ids: () => [...held.keys()],
    reconcile(renewed, started) {
      const current = new Map(renewed.map((lease) => [lease.execution_id, lease]));
      const lost: string[] = [];
      for (const [id, entry] of held) {
        if (entry.since > started || entry.releasing) continue;
        const lease = current.get(id);
        if (lease && lease.token === entry.token) entry.missed = 0;
        else if (lease || (entry.missed += 1) >= 2) lost.push(id);
      }
      for (const id of lost) held.delete(id);
      const orphaned = renewed.filter(
        (lease) => !held.has(lease.execution_id) && !lost.includes(lease.execution_id) && !((dropped.get(lease.execution_id) ?? -Infinity) > started),
      );
      // Renewals start one after another: later answers started later still.
      for (const [id, at] of dropped) if (at < started) dropped.delete(id);
      return { lost, orphaned };
    },
  };
}
