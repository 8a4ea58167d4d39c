import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createLeaseBook } from '../../../src/cluster/lease-book.js';
import type { ExecutionLease, LeaseRepo, StoreSession } from '../../../src/store/store.js';

const lease = (id: string, token: number): ExecutionLease => ({ execution_id: id, node_id: 'n', token, expires_at: '2026-01-01T00:00:00.000Z' });
const epochNow = (): number => performance.timeOrigin + performance.now();

/** A transaction's session holding only what the book uses: claims hand out `token`. */
function session(token: number): StoreSession {
  const leases: Partial<LeaseRepo> = {
    claimExecution: (nodeId, executionId) => Promise.resolve({ ...lease(executionId, token), node_id: nodeId }),
    releaseLease: () => Promise.resolve(true),
    releaseLeases: (released) => Promise.resolve(released.length),
  };
  return { leases } as unknown as StoreSession;
}

/** A moment surely later than anything recorded so far (the clock may not have moved yet). */
function after(time: number): number {
  let now = epochNow();
  while (now <= time) now = epochNow();
  return now;
}

describe('createLeaseBook().reconcile()', () => {
  it('gives a lease up when two renewals after its claim lack it', () => {
    const book = createLeaseBook('n', 1000);
    book.add([lease('e1', 1)]);
    const read = after(epochNow());
    expect(book.reconcile([], read).lost).toEqual([]);
    expect(book.reconcile([], read).lost).toEqual(['e1']);
  });

  it('takes no renewal read before the claim was recorded as evidence, however many arrive late', () => {
    const book = createLeaseBook('n', 1000);
    const early = epochNow();
    after(early);
    book.add([lease('e1', 7)]);
    expect(book.reconcile([], early).lost).toEqual([]);
    expect(book.reconcile([], early).lost).toEqual([]);
    expect(book.reconcile([lease('e1', 3)], early).lost).toEqual([]);
    expect(book.token('e1')).toBe(7);
  });

  it('does not carry on again a lease it gave up after the renewal that reports it was read', () => {
    const book = createLeaseBook('n', 1000);
    book.add([lease('e1', 1)]);
    const read = after(epochNow());
    after(read);
    book.remove('e1');
    expect(book.reconcile([lease('e1', 1)], read).orphaned).toEqual([]);
    // A renewal read after that still finds it ours: carried on again.
    expect(book.reconcile([lease('e1', 1)], after(epochNow())).orphaned).toEqual([lease('e1', 1)]);
  });

  it('takes no renewal read while the transaction that claimed a lease is open as evidence, however many', async () => {
    const book = createLeaseBook('n', 1000);
    await book.claim(session(5), 'e1');
    // Renewals read committed rows only: each of these ran while the claim was uncommitted.
    expect(book.reconcile([], after(epochNow())).lost).toEqual([]);
    expect(book.reconcile([], after(epochNow())).lost).toEqual([]);
    expect(book.reconcile([], after(epochNow())).lost).toEqual([]);
    const read = epochNow();
    after(read);
    book.claimsEnded(['e1']);
    expect(book.reconcile([], read).lost).toEqual([]);
    expect(book.reconcile([], read).lost).toEqual([]);
    // Once it has ended, two renewals lacking the lease mean it is gone.
    expect(book.reconcile([], after(epochNow())).lost).toEqual([]);
    expect(book.reconcile([], after(epochNow())).lost).toEqual(['e1']);
  });

  it('does not count a lease its own commit releases as taken over before that commit is heard', async () => {
    const book = createLeaseBook('n', 1000);
    book.add([lease('e1', 1), lease('e2', 2), lease('e3', 3)]);
    // e1 released by a one-statement commit, e2 by a transaction; e3 only fenced.
    book.tokens(['e3'], true);
    expect(book.tokens(['e1'], false)).toEqual([{ execution_id: 'e1', token: 1 }]);
    await book.finish(session(0), ['e2']);
    expect(book.reconcile([], after(epochNow())).lost).toEqual([]);
    expect(book.reconcile([], after(epochNow())).lost).toEqual(['e3']);
    expect(book.ids().sort()).toEqual(['e1', 'e2']);
  });
});
