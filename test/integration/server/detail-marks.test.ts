/**
 * A finished execution's detail is answered from what was kept while the store's change
 * mark says nothing moved (SQLite), and never once something did: a write through this
 * server's store or a commit by another connection to the same file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionDetail, ExecutionView } from '../../../src/core/wire.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

async function finished(): Promise<string> {
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'ada' } } });
  await h.engine.waitForCompletion(res.body.execution_id);
  return res.body.execution_id;
}

describe('GET /api/executions/:id of a finished execution', () => {
  it('answers the same body and ETag while nothing moved, and 304 for that ETag', async () => {
    const id = await finished();
    const first = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    const second = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    const again = await h.call('GET', `/api/executions/${id}`, { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('shows a write made through the server\'s own store at once', async () => {
    const id = await finished();
    await h.call('GET', `/api/executions/${id}`);
    await h.call('GET', `/api/executions/${id}`);
    await h.store.executions.updateExecution(id, { output: { changed: 'here' }, updated_at: new Date().toISOString() });
    const after = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(after.body.output).toEqual({ changed: 'here' });
  });

  it('shows a commit by another connection to the same database file at once', async () => {
    const id = await finished();
    const before = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    await h.call('GET', `/api/executions/${id}`);
    const other = createSqliteStore({ file: join(h.dir, 'data', 'harmonia.db'), synchronous: 'NORMAL' });
    try {
      await other.executions.updateExecution(id, { output: { changed: 'elsewhere' }, updated_at: new Date().toISOString() });
    } finally {
      await other.close();
    }
    const after = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(after.body.output).toEqual({ changed: 'elsewhere' });
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('shows a retry that moved the execution on', async () => {
    const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.broken' } });
    const id = res.body.execution_id;
    await h.engine.waitForCompletion(id);
    const before = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    await h.call('GET', `/api/executions/${id}`);
    expect((await h.call('POST', `/api/executions/${id}/retry`)).status).toBe(200);
    await h.engine.waitForCompletion(id);
    const after = await h.call<ExecutionDetail>('GET', `/api/executions/${id}`);
    expect(after.body.last_seq).toBeGreaterThan(before.body.last_seq);
  });
});
