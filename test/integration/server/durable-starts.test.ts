/**
 * POST /api/executions on the default store (SQLite, synchronous FULL, the log synced off
 * the event loop): concurrent starts are grouped into few commits, and each is answered
 * only once its commit is in the database file, where another connection finds it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
let other: Database.Database;
beforeAll(async () => {
  h = await openServer({ synchronous: 'FULL' });
  other = new Database(join(h.dir, 'data', 'harmonia.db'), { readonly: true });
});
afterAll(async () => {
  other.close();
  await h.close();
});

const stored = (id: string): boolean => other.prepare('SELECT 1 FROM executions WHERE id = ?').get(id) !== undefined;

describe('concurrent POST /api/executions on a durable store', () => {
  it('answers each of 60 starts with a distinct execution already in the database file', async () => {
    const seen: boolean[] = [];
    const started = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: `d${i}` } } });
        seen.push(stored(res.body.execution_id));
        return res;
      }),
    );
    expect(started.map((r) => r.status)).toEqual(started.map(() => 201));
    expect(new Set(started.map((r) => r.body.execution_id)).size).toBe(60);
    expect(seen).toEqual(started.map(() => true));
    await Promise.all(started.map((r) => h.engine.waitForCompletion(r.body.execution_id)));
  });

  it('starts one execution for 20 concurrent requests with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'durable-concurrent-1' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' }, headers })),
    );
    const ids = new Set(answers.map((r) => r.body.execution_id));
    expect(ids.size).toBe(1);
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(19);
    const [id] = [...ids] as [string];
    expect(stored(id)).toBe(true);
    await h.engine.waitForCompletion(id);
  });
});
