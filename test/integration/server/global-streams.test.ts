/**
 * The all-events streams resume from a global position across a dropped connection, with
 * no gap and no repeat (issue 9 point 8), and a WebSocket client that floods the server
 * without reading costs it a bounded buffer (point 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionView } from '../../../src/core/wire.js';
import { appInternals } from '../../../src/server/app.js';
import type { StreamStats } from '../../../src/server/stream-hub.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';
import { readSse } from './sse-client.js';

let h: ServerHarness;
const gates = Array.from({ length: 6 }, () => createGate());
let next = 0;

beforeAll(async () => {
  h = await openServer({ actions: Object.fromEntries(gates.map((g, i) => [`test.gate${i}`, g.action])) });
  for (const [i] of gates.entries()) {
    await registerDirect(
      h.store,
      `gated.flow${i}`,
      workflowBody([
        { id: 'first', action: 'core.echo', input: { n: 1 } },
        { id: 'hold', action: `test.gate${i}`, depends_on: ['first'] },
        { id: 'last', action: 'core.echo', depends_on: ['hold'] },
      ]),
    );
  }
  await registerDirect(h.store, 'quick.flow', workflowBody([{ id: 'only', action: 'core.echo', input: { n: 2 } }]));
});
afterAll(async () => {
  for (const gate of gates) gate.open();
  await h.close();
});

async function startGated(): Promise<{ id: string; gate: ReturnType<typeof createGate> }> {
  const index = next;
  next += 1;
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: `gated.flow${index}` } });
  return { id: res.body.execution_id, gate: gates[index] as ReturnType<typeof createGate> };
}

async function runQuick(): Promise<string> {
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'quick.flow' } });
  await h.engine.waitForCompletion(res.body.execution_id);
  return res.body.execution_id;
}

const isHoldStarted = (e: ExecutionEvent, id: string): boolean => e.execution_id === id && e.event_type === 'task_started' && e.task_id === 'hold';
const isDone = (e: ExecutionEvent, id: string): boolean => e.execution_id === id && e.event_type === 'workflow_completed';

/** The stored events from `first` to `last` position, both included. */
async function storedBetween(first: number, last: number): Promise<number[]> {
  const events = await h.store.executions.readEventsAfterPosition(first - 1, 10_000);
  return events.map((e) => e.position as number).filter((p) => p <= last);
}

describe('GET /events', () => {
  it('resumes from Last-Event-ID after a dropped connection with no gap and no repeat, across executions', async () => {
    const a = await startGated();
    let quick = '';
    const first = await readSse(`${h.url}/events?after_position=0`, { until: (m) => isHoldStarted(JSON.parse(m.data) as ExecutionEvent, a.id) });
    // while the client is away: one execution finishes, another runs from start to end
    a.gate.open();
    await h.engine.waitForCompletion(a.id);
    quick = await runQuick();
    const second = await readSse(`${h.url}/events`, {
      headers: { 'Last-Event-ID': first.messages.at(-1)?.id ?? '' },
      until: (m) => isDone(JSON.parse(m.data) as ExecutionEvent, quick),
    });
    const ids = [...first.messages, ...second.messages].map((m) => Number(m.id));
    expect(ids).toEqual(await storedBetween(ids[0] as number, ids.at(-1) as number));
    const events = [...first.messages, ...second.messages].map((m) => JSON.parse(m.data) as ExecutionEvent);
    expect(events.filter((e) => e.execution_id === a.id).map((e) => e.seq)).toEqual((await h.engine.readEvents(a.id, 0)).map((e) => e.seq));
  });

  it('refuses a resume position that is not a non-negative integer', async () => {
    const res = await h.call('GET', '/events', { headers: { 'Last-Event-ID': 'e1:3' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
  });
});

describe('WebSocket /ws/events', () => {
  it('resumes from after_position with no gap and no repeat', async () => {
    const b = await startGated();
    const first = await collectWs(`/ws/events?after_position=0`, (e) => isHoldStarted(e, b.id));
    b.gate.open();
    await h.engine.waitForCompletion(b.id);
    const last = first.at(-1)?.position as number;
    const second = await collectWs(`/ws/events?after_position=${last}`, (e) => isDone(e, b.id));
    const positions = [...first, ...second].map((e) => e.position as number);
    expect(positions).toEqual(await storedBetween(positions[0] as number, positions.at(-1) as number));
  });
});

describe('WebSocket /ws/events?batch=true', () => {
  it.each([
    ['compressed (permessage-deflate negotiated)', true],
    ['uncompressed', false],
  ])('sends batches %s with every event once and in order, and resumes from after_position', async (_, deflate) => {
    const c = await startGated();
    const seen: string[] = [];
    const first = await collectWs(`/ws/events?batch=true&after_position=0`, (e) => isHoldStarted(e, c.id), { perMessageDeflate: deflate, extensions: seen });
    c.gate.open();
    await h.engine.waitForCompletion(c.id);
    const quick = await runQuick();
    const last = first.at(-1)?.position as number;
    const second = await collectWs(`/ws/events?batch=true&after_position=${last}`, (e) => isDone(e, quick), { perMessageDeflate: deflate, extensions: seen });
    expect(seen.every((e) => e.includes('permessage-deflate') === deflate)).toBe(true);
    const positions = [...first, ...second].map((e) => e.position as number);
    expect(positions).toEqual(await storedBetween(positions[0] as number, positions.at(-1) as number));
    const events = [...first, ...second].filter((e) => e.execution_id === c.id);
    expect(events.map((e) => e.seq)).toEqual((await h.engine.readEvents(c.id, 0)).map((e) => e.seq));
  });

  it('refuses a batch value other than true or false', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/events?batch=yes`);
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(400);
  });
});

/**
 * Collects events until one matches; batches (`{type:"events"}`) are taken apart, so the
 * result is the events in the order received. `extensions` gets what the handshake negotiated.
 */
function collectWs(
  path: string,
  until: (e: ExecutionEvent) => boolean,
  options: { perMessageDeflate?: boolean; extensions?: string[] } = {},
): Promise<ExecutionEvent[]> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`, { perMessageDeflate: options.perMessageDeflate ?? true });
  ws.on('open', () => options.extensions?.push(ws.extensions));
  const events: ExecutionEvent[] = [];
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ExecutionEvent | { type: 'events'; events: ExecutionEvent[] };
      for (const event of 'type' in message && message.type === 'events' ? message.events : [message as ExecutionEvent]) {
        events.push(event);
        if (until(event)) {
          ws.terminate();
          return resolve(events);
        }
      }
    });
    ws.on('error', reject);
  });
}

describe('WebSocket input', () => {
  const statsOf = (): StreamStats | undefined => appInternals(h.server.app).hub.stats().find((s) => s.kind === 'ws');

  /** Resolves once the server's stats of the one WebSocket match. */
  async function until(match: (s: StreamStats) => boolean): Promise<StreamStats> {
    for (;;) {
      const stats = statsOf();
      if (stats && match(stats)) return stats;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  it('stops reading from a client that floods pings without reading the replies, holding a bounded buffer', async () => {
    const limit = h.server.app ? appInternals(h.server.app).services.options.stream_buffer_bytes : 0;
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/events`);
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.pause(); // never reads: the server's replies pile up in TCP, then in the server
    const ping = JSON.stringify({ type: 'ping' });
    let sent = 0;
    const flood = (): void => {
      // keep the client's own send buffer full until the server stops reading
      while (ws.bufferedAmount < 1024 * 1024 && sent < 5_000_000) {
        ws.send(ping);
        sent += 1;
      }
    };
    const timer = setInterval(flood, 1);
    try {
      const paused = await until((s) => s.reading_paused === true);
      // rate-limited long before any buffer fills: far fewer replies than frames
      expect(paused.replies).toBeLessThan(sent);
      expect(paused.buffered_bytes).toBeLessThanOrEqual(limit + 64 * 1024);
      expect(paused.queued).toBe(0);
    } finally {
      clearInterval(timer);
      ws.terminate();
    }
  });
});

describe('WebSocket replies', () => {
  it('pause reading while the socket holds more than stream_buffer_bytes, whatever the rate allows', async () => {
    const limit = 8 * 1024;
    const fast = await openServer({ server: { ws_messages_per_second: 100_000_000, stream_buffer_bytes: limit } });
    const ws = new WebSocket(`${fast.url.replace('http', 'ws')}/ws/events`);
    const stats = (): StreamStats | undefined => appInternals(fast.server.app).hub.stats().find((s) => s.kind === 'ws');
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve) => ws.on('open', () => resolve()));
      ws.pause();
      // unknown messages: each is answered with an error, the largest reply there is
      let sent = 0;
      timer = setInterval(() => {
        while (ws.bufferedAmount < 1024 * 1024) {
          ws.send('?');
          sent += 1;
        }
      }, 1);
      let paused: StreamStats | undefined;
      while (!(paused = stats())?.reading_paused) await new Promise<void>((resolve) => setImmediate(resolve));
      clearInterval(timer);
      // paused for the buffer: it is over the limit by at most the replies to one read's frames
      expect(paused.buffered_bytes).toBeGreaterThan(limit);
      expect(paused.buffered_bytes).toBeLessThanOrEqual(limit + 64 * 1024);
      expect(paused.replies).toBeLessThan(sent);
      // the client reads again: the server's buffer drains and it reads (and answers) on
      ws.resume();
      while (stats()?.replies === paused.replies) await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      clearInterval(timer);
      ws.terminate();
      await fast.close();
    }
    // The kernel's loopback buffers (megabytes) fill before the server's own does: seconds when
    // idle, past the default 30 s on a loaded 2-core box.
  }, 120_000);
});
