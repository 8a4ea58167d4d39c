/**
 * A stream client that stops reading is disconnected once it falls too far
 * behind; the execution it watches runs to the end regardless.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
const gate = createGate();
const BIG = 'x'.repeat(500_000);
const TASKS = 48;

beforeAll(async () => {
  h = await openServer({ actions: { 'test.gate': gate.action }, server: { stream_buffer_bytes: 16 * 1024 } });
  const tasks = [{ id: 'hold', action: 'test.gate' }];
  for (let i = 0; i < TASKS; i += 1) {
    tasks.push({ id: `big${i}`, action: 'core.echo', depends_on: [i === 0 ? 'hold' : `big${i - 1}`], input: { blob: BIG } } as never);
  }
  await registerDirect(h.store, 'bulk.flow', workflowBody(tasks));
});
afterAll(async () => {
  gate.open();
  await h.close();
});

/** Sends a raw HTTP request and resolves once the first bytes arrive, leaving the socket paused. */
function openPaused(path: string): Promise<{ socket: Socket; received: Buffer[] }> {
  const { port } = h.server;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    const received: Buffer[] = [];
    socket.once('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.pause();
      resolve({ socket, received });
    });
    socket.on('error', reject);
  });
}

describe('a slow SSE consumer', () => {
  it('is disconnected while the execution it watches completes', async () => {
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'bulk.flow' } });
    const id = started.body.execution_id;
    await gate.entered;
    const { socket, received } = await openPaused(`/events/executions/${id}`);

    gate.open();
    expect((await h.engine.waitForCompletion(id)).status).toBe('completed');

    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.resume();
    await ended;
    const text = Buffer.concat(received).toString('utf8');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).toContain('event: task_completed');
    expect(text).not.toContain('event: workflow_completed');
  });
});
