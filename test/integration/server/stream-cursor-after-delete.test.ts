/**
 * The all-events streams after the execution holding the newest events is deleted (an
 * operator's DELETE on the SQLite file): a subscriber whose cursor is past those events
 * still gets every event committed later, live, after a restart, and on resuming with
 * Last-Event-ID — positions are never given twice, so no new event lands below a cursor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { readSse, type SseMessage } from './sse-client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-positions-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(h: ServerHarness): Promise<string> {
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
  await h.engine.waitForCompletion(res.body.execution_id);
  return res.body.execution_id;
}

/** Deletes an execution, its events cascading, from another connection as the sqlite3 shell would. */
function deleteExecution(id: string): void {
  const db = new Database(join(dir, 'data', 'harmonia.db'));
  try {
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM executions WHERE id = ?').run(id);
  } finally {
    db.close();
  }
}

const eventsOf = (messages: readonly SseMessage[]): ExecutionEvent[] =>
  messages.filter((m) => m.id !== undefined).map((m) => JSON.parse(m.data) as ExecutionEvent);
const isDone = (m: SseMessage, id: string): boolean => {
  if (m.id === undefined) return false;
  const e = JSON.parse(m.data) as ExecutionEvent;
  return e.execution_id === id && e.event_type === 'workflow_completed';
};

/** Two executions run; the second holds the newest events. Returns the cursor at its last one. */
async function newestHeldBy(h: ServerHarness): Promise<{ newest: string; cursor: number }> {
  await run(h);
  const newest = await run(h);
  return { newest, cursor: (await h.store.executions.readEventsAfterPosition(0, 10_000)).at(-1)?.position as number };
}

describe('the all-events streams after the newest execution is deleted', () => {
  it('sends a live subscriber every event committed after the delete', async () => {
    const h = await openServer({ dir });
    try {
      const { newest, cursor } = await newestHeldBy(h);
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      let last = '';
      const reading = readSse(`${h.url}/events`, { headers: { 'Last-Event-ID': String(cursor) }, onOpen: opened, until: (m) => last !== '' && isDone(m, last) });
      await open;
      deleteExecution(newest);
      const next = await run(h);
      last = await run(h);
      const events = eventsOf((await reading).messages);
      expect(events.filter((e) => e.execution_id === next).map((e) => e.seq)).toEqual((await h.engine.readEvents(next, 0)).map((e) => e.seq));
      expect(events.every((e) => (e.position as number) > cursor)).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('accepts the old cursor after a restart and resumes from it without a gap', async () => {
    const first = await openServer({ dir });
    const { newest, cursor } = await newestHeldBy(first);
    await first.close();
    deleteExecution(newest);
    const h = await openServer({ dir });
    try {
      // the cursor names an event the stream sent before the delete: not refused as past the head
      expect((await readSse(`${h.url}/events`, { headers: { 'Last-Event-ID': String(cursor) }, headOnly: true, until: () => true })).status).toBe(200);
      expect(await wsStatus(`${h.url.replace('http', 'ws')}/ws/events?after_position=${cursor}`)).toBe('open');
      // the client is away while two executions run
      const next = await run(h);
      const last = await run(h);
      const resumed = await readSse(`${h.url}/events`, { headers: { 'Last-Event-ID': String(cursor) }, until: (m) => isDone(m, last) });
      const events = eventsOf(resumed.messages);
      expect(events.map((e) => e.position)).toEqual((await h.store.executions.readEventsAfterPosition(cursor, 10_000)).map((e) => e.position));
      expect(events.filter((e) => e.execution_id === next).map((e) => e.seq)).toEqual((await h.engine.readEvents(next, 0)).map((e) => e.seq));
    } finally {
      await h.close();
    }
  });

  it('lets the client SDK carry on from a position it saved before the delete and a restart', async () => {
    const first = await openServer({ dir });
    const { newest, cursor } = await newestHeldBy(first);
    await first.close();
    deleteExecution(newest);
    const h = await openServer({ dir });
    try {
      const next = await run(h);
      const last = await run(h);
      const controller = new AbortController();
      const seen: ExecutionEvent[] = [];
      for await (const event of createClient({ baseUrl: h.url }).allEvents({ afterPosition: cursor, signal: controller.signal })) {
        seen.push(event);
        if (event.execution_id === last && event.event_type === 'workflow_completed') break;
      }
      controller.abort();
      const stored = [...(await h.engine.readEvents(next, 0)), ...(await h.engine.readEvents(last, 0))];
      expect(seen.map((e) => `${e.execution_id}:${e.seq}`)).toEqual(stored.map((e) => `${e.execution_id}:${e.seq}`));
    } finally {
      await h.close();
    }
  });
});

/** 'open' when the WebSocket handshake succeeds, else the HTTP status it was refused with. */
function wsStatus(url: string): Promise<'open' | number> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}
