import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorResponse, ExecutionView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

// A resume cursor past every stored event cannot come from an event the client received:
// accepted, it would hold the stream silent until the store caught up with it, and every
// event below it would be lost without a word. It is refused like a malformed one.
let h: ServerHarness;
let id = '';
let lastSeq = 0;
beforeAll(async () => {
  h = await openServer();
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'ada' } } });
  id = res.body.execution_id;
  await h.engine.waitForCompletion(id);
  lastSeq = (await h.engine.getExecution(id)).last_seq;
});
afterAll(async () => {
  await h.close();
});

/** The handshake's HTTP status, or 101 once the socket opened (then closed at once). */
function handshakeStatus(path: string): Promise<number> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

describe('a resume cursor past the last stored event', () => {
  it('is refused on an execution\'s SSE stream, by Last-Event-ID or after_seq, with 400 naming the last seq', async () => {
    for (const options of [{ headers: { 'Last-Event-ID': String(lastSeq + 1) } }, {}]) {
      const path = 'headers' in options ? `/events/executions/${id}` : `/events/executions/${id}?after_seq=${lastSeq + 1}`;
      const res = await h.call<ErrorResponse>('GET', path, options);
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'REQUEST_INVALID', { last: lastSeq }]);
    }
  });

  it('is refused on the all-events SSE stream, even a number too large to hold exactly', async () => {
    const head = await h.store.executions.lastEventPosition();
    for (const cursor of [String(head + 1), '9007199254740993']) {
      const res = await h.call<ErrorResponse>('GET', `/events?after_position=${cursor}`);
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'REQUEST_INVALID', { last: head }]);
    }
  });

  it('is refused at the WebSocket handshake, while the last event itself is a cursor to resume after', async () => {
    const head = await h.store.executions.lastEventPosition();
    expect(await handshakeStatus(`/ws/executions/${id}?after_seq=${lastSeq + 1}`)).toBe(400);
    expect(await handshakeStatus(`/ws/events?after_position=${head + 1}`)).toBe(400);
    expect(await handshakeStatus(`/ws/executions/${id}?after_seq=${lastSeq}`)).toBe(101);
    expect(await handshakeStatus(`/ws/events?after_position=${head}`)).toBe(101);
  });
});
