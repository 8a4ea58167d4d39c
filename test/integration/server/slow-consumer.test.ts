/**
 * A stream client that stops reading is dropped once its queue is full, told the cursor
 * to resume from; resuming from it gives every later event once, and the execution it
 * watches runs to the end regardless. Issue 9 points 8 and 9.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionView } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';
import { parseBlock, readSse, type SseMessage } from './sse-client.js';

let h: ServerHarness;
const gates = [createGate(), createGate()];
const BIG = 'x'.repeat(500_000);
const TASKS = 48;

beforeAll(async () => {
  h = await openServer({
    actions: { 'test.gate0': gates[0]!.action, 'test.gate1': gates[1]!.action },
    server: { stream_buffer_bytes: 16 * 1024, stream_queue_events: 8 },
  });
  for (const [index] of gates.entries()) {
    const tasks = [{ id: 'hold', action: `test.gate${index}` }];
    for (let i = 0; i < TASKS; i += 1) {
      tasks.push({ id: `big${i}`, action: 'core.echo', depends_on: [i === 0 ? 'hold' : `big${i - 1}`], input: { blob: BIG } } as never);
    }
    await registerDirect(h.store, `bulk.flow${index}`, workflowBody(tasks));
  }
});
afterAll(async () => {
  for (const gate of gates) gate.open();
  await h.close();
});

/** Sends a raw HTTP/1.0 request (no chunked framing) and resolves once the first bytes arrive, leaving the socket paused. */
function openPaused(path: string): Promise<{ socket: Socket; received: Buffer[] }> {
  const { port } = h.server;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
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

/** Reads the paused socket to its end and parses the SSE messages after the response head. */
async function drain(socket: Socket, received: Buffer[]): Promise<SseMessage[]> {
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.resume();
  await ended;
  const text = Buffer.concat(received).toString('utf8');
  expect(text.startsWith('HTTP/1.1 200')).toBe(true);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return body
    .split('\n\n')
    .map((block) => parseBlock(block))
    .filter((m): m is SseMessage => m !== null);
}

async function runPaused(index: number, path: (id: string) => string): Promise<{ id: string; first: SseMessage[] }> {
  const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: `bulk.flow${index}` } });
  const id = started.body.execution_id;
  await gates[index]!.entered;
  const { socket, received } = await openPaused(path(id));
  gates[index]!.open();
  expect((await h.engine.waitForCompletion(id)).status).toBe('completed');
  return { id, first: await drain(socket, received) };
}

describe('a slow SSE consumer', () => {
  it("is dropped from an execution's stream with the seq to resume after, and resumes without a gap or a repeat", async () => {
    const { id, first } = await runPaused(0, (execId) => `/events/executions/${execId}`);
    const close = first.at(-1) as SseMessage;
    expect(close.event).toBe('close');
    const { reason, resume_after: resumeAfter } = JSON.parse(close.data) as { reason: string; resume_after: string };
    expect(reason).toMatch(/client too slow/);
    const before = first.filter((m) => m.event !== 'close').map((m) => Number(m.id));
    expect(before.at(-1)).toBe(Number(resumeAfter));
    expect(before).not.toContain((await h.engine.getExecution(id)).last_seq);

    const rest = await readSse(`${h.url}/events/executions/${id}`, {
      headers: { 'Last-Event-ID': resumeAfter },
      until: (m) => m.event === 'workflow_completed',
    });
    const seqs = [...before, ...rest.messages.map((m) => Number(m.id))];
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('is dropped from the all-events stream with the position to resume after, and resumes without a gap or a repeat', async () => {
    const { id, first } = await runPaused(1, () => '/events');
    const close = first.at(-1) as SseMessage;
    expect(close.event).toBe('close');
    const resumeAfter = (JSON.parse(close.data) as { resume_after: string }).resume_after;
    const before = first.filter((m) => m.event !== 'close').map((m) => JSON.parse(m.data) as ExecutionEvent);
    expect(String(before.at(-1)?.position)).toBe(resumeAfter);

    const rest = await readSse(`${h.url}/events`, {
      headers: { 'Last-Event-ID': resumeAfter },
      until: (m) => m.event === 'workflow_completed' && (JSON.parse(m.data) as ExecutionEvent).execution_id === id,
    });
    const after = rest.messages.map((m) => JSON.parse(m.data) as ExecutionEvent);
    const positions = [...before, ...after].map((e) => e.position as number);
    expect(positions.every((p, i) => i === 0 || p > (positions[i - 1] as number))).toBe(true);
    const seqs = [...before, ...after].filter((e) => e.execution_id === id).map((e) => e.seq);
    // the stream started after the execution's first events; from there on, every one once
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    expect(seqs.at(-1)).toBe((await h.engine.getExecution(id)).last_seq);
  });
});
