/**
 * POST /api/executions on SQLite with synchronous FULL, the start's commit synced off the
 * event loop: the 201 waits for the fsync of the log, and a failed fsync answers 503
 * STORE_SYNC_FAILED to that start and to every later one. The fsync is the store's module
 * boundary, held or failed by the test.
 */
import { fsync as fsyncCallback } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

interface Held {
  release(): void;
  fail(error: Error): void;
}

let h: ServerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** A server whose store's fsyncs wait for the test; `asked` resolves with the next one. */
async function heldServer(): Promise<{ server: ServerHarness; asked: () => Promise<Held> }> {
  const held: Held[] = [];
  let wake: (() => void) | null = null;
  const server = await openServer({
    synchronous: 'FULL',
    fsync: (fd) =>
      new Promise<void>((resolve, reject) => {
        held.push({ release: () => fsyncCallback(fd, (error) => (error ? reject(error) : resolve())), fail: reject });
        wake?.();
      }),
  });
  let seen = 0;
  const asked = async (): Promise<Held> => {
    while (held.length <= seen) await new Promise<void>((resolve) => (wake = resolve));
    seen += 1;
    return held[seen - 1] as Held;
  };
  return { server, asked };
}

describe('POST /api/executions with the start synced off the loop', () => {
  it('answers 201 only once the fsync of the start has returned, and serves reads meanwhile', async () => {
    const { server, asked } = await heldServer();
    h = server;
    let answered = false;
    const start = server.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } }).then((res) => {
      answered = true;
      return res;
    });
    const sync = await asked();
    // The event loop is free: another request is answered while the start waits for the disk.
    expect((await server.call('GET', '/api/executions')).status).toBe(200);
    expect(answered).toBe(false);
    sync.release();
    const res = await start;
    expect(res.status).toBe(201);
    // Its steps sync inside their COMMITs: the execution runs to its end without another fsync of ours.
    await server.engine.waitForCompletion(res.body.execution_id);
  });

  it('answers 503 STORE_SYNC_FAILED when the fsync fails, and refuses the next start too', async () => {
    const { server, asked } = await heldServer();
    h = server;
    const start = server.call<{ error: { code: string } }>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
    (await asked()).fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    const res = await start;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('STORE_SYNC_FAILED');
    const next = await server.call<{ error: { code: string } }>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
    expect(next.status).toBe(503);
    expect(next.body.error.code).toBe('STORE_SYNC_FAILED');
  });
});
