/**
 * Two real `harmonia serve` processes on one PostgreSQL schema: an execution waiting for a
 * signal, an approval and a durable sleep on node A survives a SIGKILL of A. Node B takes
 * it over from its history (the sleep's deadline re-armed from the event), and a signal
 * and an approval sent to B end it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, createClient } from '../../../src/client/index.js';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('durable waits across a SIGKILL of one of two nodes'), () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let root = '';
  let admin: pg.Pool;
  const nodes: ServeProcess[] = [];

  const serve = async (name: string): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], {
      cwd: root,
      env: {
        HARMONIA_DB_URL: dbUrl,
        HARMONIA_DATA_DIR: join(root, `data-${name}`),
        HARMONIA_NODE_ID: name,
        HARMONIA_LEASE_MS: '2000',
        HARMONIA_SHUTDOWN_GRACE: '500ms',
        HARMONIA_LOG_LEVEL: 'warn',
      },
    });
    nodes.push(node);
    return node;
  };

  /** Polls until `check` holds: the other processes announce nothing this test can await. */
  const until = async <T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> => {
    for (let i = 0; ; i += 1) {
      const value = await read();
      if (check(value)) return value;
      if (i > 1200) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const holder = async (id: string): Promise<string | null> =>
    (await admin.query<{ node_id: string }>(`SELECT node_id FROM ${schema}.execution_leases WHERE execution_id = $1 AND expires_at > now()`, [id])).rows[0]?.node_id ?? null;

  beforeAll(() => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-wait-nodes-'));
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    mkdirSync(join(root, 'packs', 'ops', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'packs', 'ops', 'pack.yaml'), 'ref: ops\nversion: 1.0.0\n');
    writeFileSync(
      join(root, 'packs', 'ops', 'workflows', 'gate.yaml'),
      [
        'version: 1.0.0',
        'tasks:',
        '  paid: { action: core.signal, input: { name: paid, timeout: 1d } }',
        '  review: { action: core.approval, input: { expires_in: 1d } }',
        '  nap: { action: core.sleep, input: { duration: 10s } }',
        '  done: { action: core.echo, depends_on: [paid, review, nap], input: { amount: "${tasks.paid.output.amount}", slept: "${tasks.nap.output.slept_ms}" } }',
        'output: { amount: "${tasks.done.output.amount}", slept: "${tasks.done.output.slept}" }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('forwards a decision to the node running the execution, and takes the waits over when that node is killed', async () => {
    const a = await serve('node-a');
    const b = await serve('node-b');
    const onA = createClient({ baseUrl: a.url });
    const onB = createClient({ baseUrl: b.url });
    const run = await onA.executeWorkflow({ workflow_ref: 'ops.gate' });
    const id = run.execution_id;
    await until('three waits', () => onB.getWaits(id), (w) => w.waits.length === 3);
    const owner = await holder(id);
    const [killed, survivor] = owner === 'node-b' ? [b, a] : [a, b];
    const survivorId = owner === 'node-b' ? 'node-a' : 'node-b';
    const client = survivor === a ? onA : onB;
    // The node that does not run it forwards the decision to the one that does.
    const decided = await client.approve(id, 'review', { comment: 'forwarded' });
    expect(decided).toMatchObject({ decision: 'approve', by: 'anonymous' });
    expect((await client.getWaits(id)).waits.map((w) => w.task_id).sort()).toEqual(['nap', 'paid']);
    killed.child.kill('SIGKILL');
    await killed.stop();

    await until('the survivor to hold the execution', () => holder(id), (node) => node === survivorId);
    expect((await client.getWaits(id)).waits.map((w) => w.task_id).sort()).toEqual(['nap', 'paid']);
    // Between the lease claim and the adoption the node answers 409 "changing hands; send
    // the signal again", as it does for every control: send it again until it is taken.
    await until(
      'the signal to be accepted',
      () => client.signal(id, 'paid', { amount: 5 }).then(() => true, (error: unknown) => {
        if (error instanceof ConflictError && error.message.includes('changing hands')) return false;
        throw error;
      }),
      (accepted) => accepted,
    );
    const done = await client.waitForCompletion(id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ amount: 5, slept: 10000 });
    const events = (await client.listEvents(id)).events;
    expect(events.filter((e) => e.event_type === 'task_waiting')).toHaveLength(3);
    expect(events.filter((e) => e.event_type === 'task_completed' && e.task_id === 'nap')).toHaveLength(1);
    // Two process starts and a lease expiry on a shared machine: more than the default 30 s may pass.
  }, 120_000);
});
