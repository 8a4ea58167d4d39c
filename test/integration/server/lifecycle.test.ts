import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorResponse, ExecutionView } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody } from './server-harness.js';

describe('RunningServer.close()', () => {
  it('closes open WebSocket and SSE streams, stops the engine and stops accepting connections', async () => {
    const gate = createGate();
    const h = await openServer({ actions: { 'test.gate': gate.action } });
    await registerDirect(h.store, 'gated.flow', workflowBody([{ id: 'hold', action: 'test.gate' }]));
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'gated.flow' } });
    await gate.entered;

    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${started.body.execution_id}`);
    const wsClosed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.on('open', resolve));
    const sse = await fetch(`${h.url}/events/executions/${started.body.execution_id}`);
    const sseText = sse.text();

    await h.server.close();
    expect(await wsClosed).toBe(1001);
    expect(await sseText).toContain('event: close');
    await expect(fetch(`${h.url}/health`)).rejects.toThrow();
    gate.open();
    await h.close();
  });
});

describe('request limits', () => {
  it('answers a body over max_body_bytes with 413 naming the limit', async () => {
    const h = await openServer({ server: { max_body_bytes: 1024 } });
    try {
      const res = await h.call<ErrorResponse>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'x'.repeat(2000) } } });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'REQUEST_TOO_LARGE', details: { limit: 'max_body_bytes', max_bytes: 1024 } });
    } finally {
      await h.close();
    }
  });

  it('answers a chunked body growing past max_body_bytes with 413 (not a reset) and starts nothing', async () => {
    const h = await openServer({ server: { max_body_bytes: 1024 } });
    try {
      // No Content-Length: the limit is found while the body is read, not from the header.
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${h.url}/api/executions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(`{"workflow_ref":"demo.hello","input":{"who":"${'x'.repeat(2000)}`);
        // The rest follows once the server has answered: it is dropped, not parsed.
        req.on('response', () => req.end('"}}'));
      });
      expect(answer.status).toBe(413);
      expect((JSON.parse(answer.text) as ErrorResponse).error).toMatchObject({ code: 'REQUEST_TOO_LARGE', details: { limit: 'max_body_bytes', max_bytes: 1024 } });
      const list = await h.call<{ total: number }>('GET', '/api/executions');
      expect(list.body.total).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('answers a JSON route sent YAML with 415', async () => {
    const h = await openServer();
    try {
      const res = await h.call<ErrorResponse>('POST', '/api/executions', { text: 'workflow_ref: demo.hello\n', contentType: 'application/yaml' });
      expect(res.status).toBe(415);
      expect(res.body.error.details).toEqual({ accepted: ['application/json'] });
    } finally {
      await h.close();
    }
  });
});
