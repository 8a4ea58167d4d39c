/**
 * Leases between two "nodes": two stores, each with its own pool, on one schema.
 * Expiry is driven by lease durations of 0 ms (expired as soon as written) and of an
 * hour (never expires within a test), so no test waits on the clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionEvent, ExecutionRecord, ExecutionStatus } from '../../../src/core/model.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';
import { executionRecord } from '../../fixtures/execution-record.js';

const HOUR = 3_600_000;

function execution(id: string, status: ExecutionStatus, created_at: string): ExecutionRecord {
  return executionRecord(id, { status, created_at, updated_at: created_at });
}

function event(executionId: string, seq: number): ExecutionEvent {
  return {
    event_type: 'task_completed',
    execution_id: executionId,
    workflow_id: 'def-1',
    timestamp: '2026-01-01T00:00:00.000Z',
    seq,
    data: { attempt: 1, output: null },
  };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('leases'), () => {
  const db = usePgSchema();
  let nodeA: PostgresStore;
  let nodeB: PostgresStore;

  beforeEach(async () => {
    nodeA = await db.makeStore();
    nodeB = await db.openStore();
    const rows: [string, ExecutionStatus][] = [
      ['e1', 'running'],
      ['e2', 'pending'],
      ['e3', 'completed'],
      ['e4', 'paused'],
      ['e5', 'failed'],
    ];
    for (const [index, [id, status]] of rows.entries()) {
      await nodeA.executions.createExecution(execution(id, status, `2026-01-01T00:00:0${index}.000Z`));
    }
  });

  const idsOf = (leases: readonly { execution_id: string }[]) => leases.map((lease) => lease.execution_id).sort();

  describe('claimExecutions()', () => {
    it('claims unfinished executions, oldest first, up to the limit', async () => {
      const claimed = await nodeA.leases.claimExecutions('node-a', 2, HOUR);
      expect(idsOf(claimed)).toEqual(['e1', 'e2']);
      expect(claimed.every((lease) => lease.node_id === 'node-a')).toBe(true);
    });

    it('never claims finished executions', async () => {
      expect(idsOf(await nodeA.leases.claimExecutions('node-a', 10, HOUR))).toEqual(['e1', 'e2', 'e4']);
    });

    it('gives every claim a larger token than the one before', async () => {
      const first = await nodeA.leases.claimExecutions('node-a', 1, HOUR);
      const second = await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      expect(second[0]?.token).toBeGreaterThan(first[0]?.token ?? Infinity);
    });

    it('leaves executions whose lease is current to their holder', async () => {
      await nodeA.leases.claimExecutions('node-a', 10, HOUR);
      expect(await nodeB.leases.claimExecutions('node-b', 10, HOUR)).toEqual([]);
    });

    it('skips executions another node is claiming at that moment', async () => {
      await nodeA.transaction(async (tx) => {
        const mine = await tx.leases?.claimExecutions('node-a', 1, HOUR);
        expect(idsOf(mine ?? [])).toEqual(['e1']);
        // node-a's claim is not committed: node-b neither waits for it nor takes e1.
        expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e2', 'e4']);
      });
    });

    it('takes over an expired lease with a larger token', async () => {
      const [old] = await nodeA.leases.claimExecutions('node-a', 1, 0);
      const taken = await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      expect(taken).toHaveLength(1);
      expect(taken[0]).toMatchObject({ execution_id: 'e1', node_id: 'node-b' });
      expect(taken[0]?.token).toBeGreaterThan(old?.token ?? Infinity);
      expect(await nodeA.leases.getLease('e1')).toEqual(taken[0]);
    });

    it('skips an expired execution whose holder is writing to it', async () => {
      const [held] = await nodeA.leases.claimExecutions('node-a', 1, 0);
      await nodeA.transaction(async (tx) => {
        await tx.leases?.assertLease('e1', held?.token ?? 0);
        expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e2', 'e4']);
        await tx.executions.appendEvents([event('e1', 1)]);
      });
      expect((await nodeA.leases.getLease('e1'))?.token).toBe(held?.token);
    });

    it('rejects a limit below 1 and a negative duration', async () => {
      await expect(nodeA.leases.claimExecutions('node-a', 0, HOUR)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
      await expect(nodeA.leases.claimExecutions('node-a', 1, -5)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    });
  });

  describe('claimExecution()', () => {
    it('claims the one execution asked for', async () => {
      const lease = await nodeA.leases.claimExecution('node-a', 'e4', HOUR);
      expect(lease).toMatchObject({ execution_id: 'e4', node_id: 'node-a' });
      expect(await nodeB.leases.claimExecution('node-b', 'e4', HOUR)).toBeNull();
    });

    it('returns null for a finished execution', async () => {
      expect(await nodeA.leases.claimExecution('node-a', 'e3', HOUR)).toBeNull();
    });

    it('makes the node creating an execution its owner in the same transaction', async () => {
      await nodeA.transaction(async (tx) => {
        await tx.executions.createExecution(execution('e9', 'pending', '2026-01-01T00:00:00.000Z'));
        expect(await tx.leases?.claimExecution('node-a', 'e9', HOUR)).toMatchObject({ execution_id: 'e9' });
      });
      expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e1', 'e2', 'e4']);
    });
  });

  describe('assertLease()', () => {
    it('lets the holder of the current token append', async () => {
      const [lease] = await nodeA.leases.claimExecutions('node-a', 1, HOUR);
      await nodeA.transaction(async (tx) => {
        await tx.leases?.assertLease('e1', lease?.token ?? 0);
        await tx.executions.appendEvents([event('e1', 1)]);
      });
      expect(await nodeA.executions.readEvents('e1')).toHaveLength(1);
    });

    it('refuses the append of a node whose lease was taken over, and writes nothing', async () => {
      const [stale] = await nodeA.leases.claimExecutions('node-a', 1, 0);
      const [current] = await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      await expect(
        nodeA.transaction(async (tx) => {
          await tx.leases?.assertLease('e1', stale?.token ?? 0);
          await tx.executions.appendEvents([event('e1', 1)]);
        }),
      ).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
        message: expect.stringContaining('stale lease') as unknown,
        details: { execution_id: 'e1', token: stale?.token, current_token: current?.token },
      });
      expect(await nodeA.executions.readEvents('e1')).toEqual([]);
    });

    it('refuses a token when the execution has no lease', async () => {
      await expect(nodeA.leases.assertLease('e1', 1)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    });
  });

  describe('assertLeases()', () => {
    it('lets the holder of every current token write, in one statement', async () => {
      const leases = await nodeA.leases.claimExecutions('node-a', 10, HOUR);
      await nodeA.transaction(async (tx) => {
        await tx.leases?.assertLeases?.(leases.map((lease) => ({ execution_id: lease.execution_id, token: lease.token })));
        await tx.executions.appendEvents([event('e1', 1), event('e2', 1)]);
      }, { all_or_nothing: true });
      expect(await nodeA.executions.readEvents('e2')).toHaveLength(1);
    });

    it('names the execution whose lease was taken over, and writes nothing', async () => {
      const mine = await nodeA.leases.claimExecutions('node-a', 10, 0);
      const [current] = await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      const stale = mine.find((lease) => lease.execution_id === current?.execution_id);
      await expect(
        nodeA.transaction(async (tx) => {
          await tx.leases?.assertLeases?.(mine.map((lease) => ({ execution_id: lease.execution_id, token: lease.token })));
          await tx.executions.appendEvents([event('e1', 1)]);
        }),
      ).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
        message: expect.stringContaining('stale lease') as unknown,
        details: { execution_id: current?.execution_id, token: stale?.token, current_token: current?.token },
      });
      expect(await nodeA.executions.readEvents('e1')).toEqual([]);
    });

    it('refuses a token when the execution has no lease', async () => {
      await expect(nodeA.leases.assertLeases?.([{ execution_id: 'e1', token: 1 }])).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
        details: { execution_id: 'e1', token: 1, current_token: null },
      });
    });
  });

  describe('executions.commitSteps()', () => {
    const at = '2026-01-02T00:00:00.000Z';

    it('writes the events and rows of holders of current tokens, and gives up the leases of finished executions, in one statement', async () => {
      const leases = await nodeA.leases.claimExecutions('node-a', 10, HOUR);
      const tokens = leases.map((lease) => ({ execution_id: lease.execution_id, token: lease.token }));
      const e1 = tokens.find((lease) => lease.execution_id === 'e1');
      await nodeA.executions.commitSteps?.({
        events: [event('e1', 1), event('e2', 1), event('e2', 2)],
        updates: [
          { id: 'e1', patch: { status: 'completed', output: { ok: true }, finished_at: at, updated_at: at, last_seq: 1 } },
          { id: 'e2', patch: { updated_at: at, last_seq: 2 } },
        ],
        fenced: tokens.filter((lease) => lease.execution_id === 'e1' || lease.execution_id === 'e2'),
        released: e1 ? [e1] : [],
      });
      expect((await nodeA.executions.readEvents('e2')).map((e) => e.seq)).toEqual([1, 2]);
      expect(await nodeA.executions.getExecution('e1')).toMatchObject({ status: 'completed', output: { ok: true }, finished_at: at, last_seq: 1 });
      expect(await nodeA.executions.getExecution('e2')).toMatchObject({ status: 'pending', last_seq: 2 });
      // e1's lease went with the commit that finished it: nobody holds it now
      expect(await nodeB.leases.claimExecution('node-b', 'e2', HOUR)).toBeNull();
      expect((await nodeA.leases.renewLeases('node-a', HOUR)).map((lease) => lease.execution_id)).not.toContain('e1');
    });

    it('writes nothing when one lease was taken over, naming it', async () => {
      const mine = await nodeA.leases.claimExecutions('node-a', 10, 0);
      const [current] = await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      const stale = mine.find((lease) => lease.execution_id === current?.execution_id);
      await expect(
        nodeA.executions.commitSteps?.({
          events: mine.map((lease) => event(lease.execution_id, 1)),
          updates: mine.map((lease) => ({ id: lease.execution_id, patch: { status: 'failed' as const, last_seq: 1, updated_at: at } })),
          fenced: mine.map((lease) => ({ execution_id: lease.execution_id, token: lease.token })),
          released: [],
        }),
      ).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
        message: expect.stringContaining('stale lease') as unknown,
        details: { execution_id: current?.execution_id, token: stale?.token, current_token: current?.token },
      });
      for (const lease of mine) expect(await nodeA.executions.readEvents(lease.execution_id)).toEqual([]);
      expect(await nodeA.executions.getExecution('e1')).toMatchObject({ status: 'running', last_seq: 0 });
    });

    it('refuses an event that exists with STORE_CONFLICT and writes none of the others', async () => {
      await nodeA.executions.appendEvents([event('e1', 1)]);
      await expect(
        nodeA.executions.commitSteps?.({ events: [event('e2', 1), event('e1', 1)], updates: [{ id: 'e2', patch: { last_seq: 1 } }], fenced: [], released: [] }),
      ).rejects.toMatchObject({ code: 'STORE_CONFLICT', details: { execution_id: 'e1', seq: 1 } });
      expect(await nodeA.executions.readEvents('e2')).toEqual([]);
      expect(await nodeA.executions.getExecution('e2')).toMatchObject({ last_seq: 0 });
    });

    it('refuses events of an execution that does not exist, naming it, and writes none of the others', async () => {
      await expect(
        nodeA.executions.commitSteps?.({ events: [event('e2', 1), event('ghost', 1)], updates: [{ id: 'e2', patch: { last_seq: 1 } }], fenced: [], released: [] }),
      ).rejects.toMatchObject({ code: 'STORE_CONFLICT', message: "cannot append events to execution 'ghost'; it does not exist" });
      expect(await nodeA.executions.readEvents('e2')).toEqual([]);
      expect(await nodeA.executions.getExecution('e2')).toMatchObject({ last_seq: 0 });
      await expect(nodeA.transaction((tx) => tx.executions.appendEvents([event('e2', 1), event('ghost', 1)]))).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
        message: "cannot append events to execution 'ghost'; it does not exist",
      });
      expect(await nodeA.executions.readEvents('e2')).toEqual([]);
    });

    it('stores each event as the text JSON.stringify gives it, read back equal', async () => {
      const odd: ExecutionEvent = {
        ...event('e1', 1),
        event_type: 'task_completed',
        data: { attempt: 1, output: { text: 'quote " backslash \\ brace } unicode é \u2028', list: [1, { deep: null }] } },
      };
      await nodeA.executions.commitSteps?.({ events: [odd], updates: [], fenced: [], released: [] });
      expect(await nodeA.executions.readEvents('e1')).toEqual([odd]);
      const { rows } = await nodeA.pool.query<{ text: string }>('SELECT event::text AS text FROM execution_events WHERE execution_id = $1', ['e1']);
      expect(rows.map((row) => row.text)).toEqual([JSON.stringify(odd)]);
    });
  });

  describe('releaseLeases()', () => {
    it('frees the leases still held by their tokens and counts them', async () => {
      const leases = await nodeA.leases.claimExecutions('node-a', 10, HOUR);
      const pairs = leases.map((lease) => ({ execution_id: lease.execution_id, token: lease.token }));
      expect(await nodeA.leases.releaseLeases?.([...pairs, { execution_id: 'e3', token: 1 }])).toBe(3);
      expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e1', 'e2', 'e4']);
    });
  });

  describe('renewLeases()', () => {
    it('extends every lease of the node and returns them', async () => {
      const claimed = await nodeA.leases.claimExecutions('node-a', 10, 0);
      const renewed = await nodeA.leases.renewLeases('node-a', HOUR);
      expect(idsOf(renewed)).toEqual(['e1', 'e2', 'e4']);
      for (const lease of renewed) {
        const before = claimed.find((c) => c.execution_id === lease.execution_id);
        expect(lease.token).toBe(before?.token);
        expect(Date.parse(lease.expires_at)).toBeGreaterThan(Date.parse(before?.expires_at ?? ''));
      }
      expect(await nodeB.leases.claimExecutions('node-b', 10, HOUR)).toEqual([]);
    });

    it('answers while a transaction of the same node that claimed an execution is still open', async () => {
      const held = await nodeA.leases.claimExecutions('node-a', 1, HOUR);
      // A node's creating transaction claims inside it and stays open for as long as its event
      // loop takes to send the rest (seconds on a starved CPU): the renewal thread must not
      // wait for it, or the node's leases run out while it is alive. Were the renewal to wait,
      // this transaction would never end (the test times out).
      await nodeA.transaction(async (tx) => {
        await tx.executions.createExecution(execution('e9', 'pending', '2026-01-01T00:00:00.000Z'));
        expect(await tx.leases?.claimExecution('node-a', 'e9', HOUR)).toMatchObject({ execution_id: 'e9' });
        expect(await nodeA.renewals.renewLeases('node-a', HOUR)).toEqual([expect.objectContaining({ execution_id: held[0]?.execution_id })]);
      });
      expect(idsOf(await nodeA.renewals.renewLeases('node-a', HOUR))).toEqual([held[0]?.execution_id, 'e9'].sort());
    });

    it('extends the leases of executions the node is writing at that moment', async () => {
      const claimed = await nodeA.leases.claimExecutions('node-a', 10, 0);
      const tokens = claimed.map((lease) => ({ execution_id: lease.execution_id, token: lease.token }));
      // Writes check their fence and then may queue for the event-position lock; a renewal
      // meanwhile must still extend their leases, or a busy execution's lease runs out under its node.
      await nodeA.transaction(async (tx) => {
        await tx.leases?.assertLeases?.(tokens.filter((lease) => lease.execution_id === 'e1'));
        await tx.leases?.assertLease('e2', tokens.find((lease) => lease.execution_id === 'e2')?.token ?? 0);
        await nodeA.renewals.renewLeases('node-a', HOUR);
      });
      expect(await nodeB.leases.claimExecutions('node-b', 10, HOUR)).toEqual([]);
    });

    it('extends the lease of an execution whose one-statement commit waits for the event-position lock', async () => {
      const [lease] = await nodeA.leases.claimExecutions('node-a', 1, 0);
      const blocker = await db.admin.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events'))`);
        const committing = nodeA.executions.commitSteps?.({
          events: [event('e1', 1)],
          updates: [{ id: 'e1', patch: { last_seq: 1 } }],
          fenced: [{ execution_id: 'e1', token: lease?.token ?? 0 }],
          released: [],
        });
        // The commit holds its fence (row locks) while it queues behind the blocker.
        const waiting = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
          AND objid::text::bigint = hashtext(current_schema() || '.execution_events')::bigint & 4294967295`;
        await expect.poll(async () => (await db.admin.query(waiting)).rowCount).toBe(1);
        await nodeA.renewals.renewLeases('node-a', HOUR);
        await blocker.query('COMMIT');
        await committing;
      } finally {
        blocker.release();
      }
      expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e2', 'e4']);
    });

    it('leaves out leases another node took over', async () => {
      await nodeA.leases.claimExecutions('node-a', 1, 0);
      await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      expect(await nodeA.leases.renewLeases('node-a', HOUR)).toEqual([]);
    });
  });

  describe('releaseLease() and releaseNode()', () => {
    it('frees a lease for another node at once', async () => {
      const [lease] = await nodeA.leases.claimExecutions('node-a', 1, HOUR);
      expect(await nodeA.leases.releaseLease('e1', lease?.token ?? 0)).toBe(true);
      expect(idsOf(await nodeB.leases.claimExecutions('node-b', 1, HOUR))).toEqual(['e1']);
    });

    it('does not release a lease held under a newer token', async () => {
      const [stale] = await nodeA.leases.claimExecutions('node-a', 1, 0);
      await nodeB.leases.claimExecutions('node-b', 1, HOUR);
      expect(await nodeA.leases.releaseLease('e1', stale?.token ?? 0)).toBe(false);
      expect((await nodeA.leases.getLease('e1'))?.node_id).toBe('node-b');
    });

    it('hands back every lease of a node', async () => {
      await nodeA.leases.claimExecutions('node-a', 10, HOUR);
      expect(await nodeA.leases.releaseNode('node-a')).toBe(3);
      expect(idsOf(await nodeB.leases.claimExecutions('node-b', 10, HOUR))).toEqual(['e1', 'e2', 'e4']);
    });
  });

  describe('listNodes()', () => {
    it('lists each node with its heartbeat and the executions it holds, alive ones first', async () => {
      await nodeA.leases.claimExecutions('node-a', 2, HOUR);
      await nodeB.leases.claimExecutions('node-b', 10, 0);
      const nodes = await nodeB.leases.listNodes();
      expect(nodes.map((n) => [n.node_id, n.alive, n.executions])).toEqual([
        ['node-a', true, 2],
        ['node-b', false, 0],
      ]);
      const [a] = nodes;
      expect(a?.heartbeat_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(a?.expires_at ?? '')).toBeGreaterThan(Date.parse(a?.heartbeat_at ?? ''));
    });

    it('forgets a node that shut down cleanly', async () => {
      await nodeA.leases.claimExecutions('node-a', 1, HOUR);
      await nodeA.leases.releaseNode('node-a');
      expect(await nodeA.leases.listNodes()).toEqual([]);
    });
  });
});
