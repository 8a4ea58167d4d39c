import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionView } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';
import { readSse } from './sse-client.js';
import { waitForEvent } from './wait-for-event.js';

let h: ServerHarness;
const gates: Array<ReturnType<typeof createGate>> = [];
let gateIndex = 0;

beforeAll(async () => {
  for (let i = 0; i < 10; i += 1) gates.push(createGate());
  const actions = Object.fromEntries(gates.map((g, i) => [`test.gate${i}`, g.action]));
  h = await openServer({ actions });
  for (let i = 0; i < gates.length; i += 1) {
    await registerDirect(
      h.store,
      `gated.flow${i}`,
      workflowBody([
        { id: 'first', action: 'core.echo', input: { n: 1 } },
        { id: 'hold', action: `test.gate${i}`, depends_on: ['first'] },
        { id: 'last', action: 'core.echo', depends_on: ['hold'], input: { token: 'secret-value' } },
      ]),
    );
  }
});
afterAll(async () => {
  for (const gate of gates) gate.open();
  await h.close();
});

/** Starts the next gated workflow and waits until its gate task is running. */
async function startGated(): Promise<{ id: string; gate: ReturnType<typeof createGate> }> {
  const index = gateIndex;
  gateIndex += 1;
  const gate = gates[index];
  if (!gate) throw new Error('out of gates');
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: `gated.flow${index}` } });
  await gate.entered;
  return { id: res.body.execution_id, gate };
}

function wsUrl(path: string): string {
  return `${h.url.replace('http', 'ws')}${path}`;
}

/** Collects WS messages until one matches. */
function collectWs(url: string, until: (m: Record<string, unknown>) => boolean, onOpen?: (ws: WebSocket) => void) {
  const ws = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  const done = new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
    ws.on('open', () => onOpen?.(ws));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(message);
      if (until(message)) {
        ws.close();
        resolve(messages);
      }
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
  });
  return { ws, done };
}

function expectContiguous(seqs: number[]): void {
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

describe('WebSocket /ws/executions/:id', () => {
  it('gives a late subscriber the history, then live events, in seq order with no gap or duplicate', async () => {
    const { id, gate } = await startGated();
    const { done } = collectWs(wsUrl(`/ws/executions/${id}`), (m) => m.event_type === 'workflow_completed', () => gate.open());
    const messages = await done;
    const stored = await h.engine.readEvents(id, 0);
    expectContiguous(messages.map((m) => m.seq as number));
    expect(messages.map((m) => m.event_type)).toEqual(stored.map((e) => e.event_type));
  });

  it('masks secret-named values in events', async () => {
    const { id, gate } = await startGated();
    gate.open();
    await h.engine.waitForCompletion(id);
    const { done } = collectWs(wsUrl(`/ws/executions/${id}`), (m) => m.event_type === 'workflow_completed');
    const text = JSON.stringify(await done);
    expect(text).not.toContain('secret-value');
    expect(text).toContain('**REDACTED**');
  });

  it('answers {type:"ping"} with {type:"pong"}', async () => {
    const { id, gate } = await startGated();
    const { done } = collectWs(wsUrl(`/ws/executions/${id}`), (m) => m.type === 'pong', (ws) => ws.send(JSON.stringify({ type: 'ping' })));
    expect((await done).at(-1)).toEqual({ type: 'pong' });
    gate.open();
  });

  it('refuses the handshake for an unknown execution with 404', async () => {
    const { done } = collectWs(wsUrl('/ws/executions/nope'), () => true);
    await expect(done).rejects.toThrow('handshake answered 404');
  });
});

describe('WebSocket /ws/events', () => {
  it('delivers live events of every execution', async () => {
    let executionId = '';
    const { done } = collectWs(
      wsUrl('/ws/events'),
      (m) => m.event_type === 'workflow_completed' && m.execution_id === executionId,
      () => {
        void startGated().then(({ id, gate }) => {
          executionId = id;
          gate.open();
        });
      },
    );
    const messages = await done;
    expect(messages.some((m) => m.event_type === 'task_completed' && m.execution_id === executionId)).toBe(true);
  });
});

describe('SSE /events/executions/:id', () => {
  it('streams every event as a named event whose id is its seq, in order', async () => {
    const { id, gate } = await startGated();
    const result = await readSse(`${h.url}/events/executions/${id}`, {
      until: (m) => m.event === 'workflow_completed',
      onOpen: () => gate.open(),
    });
    const stored = await h.engine.readEvents(id, 0);
    expect(result.messages.map((m) => m.event)).toEqual(stored.map((e) => e.event_type));
    expect(result.messages.map((m) => Number(m.id))).toEqual(stored.map((e) => e.seq));
    const data = JSON.parse(result.messages[0]?.data ?? '{}') as ExecutionEvent;
    expect(data).toMatchObject({ event_type: 'workflow_started', execution_id: id, seq: 1 });
  });

  it('resumes after a dropped connection from Last-Event-ID with no gap and no duplicate', async () => {
    const { id, gate } = await startGated();
    const first = await readSse(`${h.url}/events/executions/${id}`, {
      until: (m) => m.event === 'task_started' && (JSON.parse(m.data) as ExecutionEvent).task_id === 'hold',
    });
    const lastId = first.messages.at(-1)?.id ?? '';
    const second = await readSse(`${h.url}/events/executions/${id}`, {
      headers: { 'last-event-id': lastId },
      until: (m) => m.event === 'workflow_completed',
      onOpen: () => gate.open(),
    });
    const seqs = [...first.messages, ...second.messages].map((m) => Number(m.id));
    expectContiguous(seqs);
    expect(seqs.at(-1)).toBe((await h.engine.getExecution(id)).last_seq);
  });

  it('answers an unknown execution with a JSON 404 before streaming', async () => {
    const res = await h.call('GET', '/events/executions/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'EXEC_NOT_FOUND' } });
  });
});

describe('SSE /events', () => {
  it('streams live events of every execution with their global position as the id', async () => {
    let executionId = '';
    const result = await readSse(`${h.url}/events`, {
      until: (m) => m.event === 'workflow_completed' && (JSON.parse(m.data) as ExecutionEvent).execution_id === executionId,
      onOpen: () => {
        void startGated().then(({ id, gate }) => {
          executionId = id;
          gate.open();
        });
      },
    });
    const mine = result.messages.filter((m) => (JSON.parse(m.data) as ExecutionEvent).execution_id === executionId);
    expect(mine.map((m) => m.event)).toContain('task_completed');
    for (const m of mine) expect(m.id).toBe(String((JSON.parse(m.data) as ExecutionEvent).position));
    const ids = result.messages.map((m) => Number(m.id));
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
  });
});

describe('event delivery to many executions at once', () => {
  it('keeps each stream complete while another execution runs', async () => {
    const a = await startGated();
    const b = await startGated();
    const streamA = readSse(`${h.url}/events/executions/${a.id}`, { until: (m) => m.event === 'workflow_completed' });
    const streamB = collectWs(wsUrl(`/ws/executions/${b.id}`), (m) => m.event_type === 'workflow_completed').done;
    await waitForEvent(h.engine, a.id, (e) => e.event_type === 'task_started');
    a.gate.open();
    b.gate.open();
    const [ra, rb] = await Promise.all([streamA, streamB]);
    expectContiguous(ra.messages.map((m) => Number(m.id)));
    expectContiguous(rb.map((m) => m.seq as number));
  });
});
