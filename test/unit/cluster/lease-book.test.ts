import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createLeaseBook } from '../../../src/cluster/lease-book.js';
import type { ExecutionLease } from '../../../src/store/store.js';

const lease = (id: string, token: number): ExecutionLease => ({ execution_id: id, node_id: 'n', token, expires_at: '2026-01-01T00:00:00.000Z' });
const epochNow = (): number => performance.timeOrigin + performance.now();

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
});
