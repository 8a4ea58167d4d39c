import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

/** The HTTP status a WebSocket handshake is refused with (or 101 when it is accepted). */
function handshakeStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

describe('WebSocket handshake with hostile paths', () => {
  it.each(['%ff', '%', '%E0%A4%A'])("refuses a malformed escape '%s' in the execution id with 400, not 500", async (id) => {
    expect(await handshakeStatus(`/ws/executions/${id}`)).toBe(400);
  });

  it('refuses an unknown execution with 404', async () => {
    expect(await handshakeStatus('/ws/executions/..%2F..%2Fetc')).toBe(404);
  });

  it('refuses an after_seq that is not a seq with 400, as the SSE stream does', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
    await h.engine.waitForCompletion(started.body.id);
    expect(await handshakeStatus(`/ws/executions/${started.body.id}?after_seq=abc`)).toBe(400);
    expect(await handshakeStatus(`/ws/executions/${started.body.id}?after_seq=2`)).toBe(101);
  });
});
