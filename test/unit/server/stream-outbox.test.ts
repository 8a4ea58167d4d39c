import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { wsTextFrame } from '../../../src/server/event-json.js';
import { createOutbox, type OutboxData, type StreamTransport } from '../../../src/server/stream-outbox.js';

/** A transport whose buffer the test fills and drains by hand. */
function fakeSocket(): StreamTransport & { written: OutboxData[][]; held: number; drain(): void } {
  const waiters: Array<() => void> = [];
  const socket = {
    written: [] as OutboxData[][],
    held: 0,
    write(messages: readonly OutboxData[]) {
      socket.written.push([...messages]);
    },
    buffered: () => socket.held,
    onceDrained(fn: () => void) {
      waiters.push(fn);
    },
    drain() {
      socket.held = 0;
      for (const fn of waiters.splice(0)) fn();
    },
  };
  return socket;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createOutbox()', () => {
  it('writes queued messages together on the next turn, not inside push', async () => {
    const socket = fakeSocket();
    const outbox = createOutbox({ transport: socket, max_messages: 10, buffer_bytes: 100 });
    expect(outbox.push('a', '1')).toBe(true);
    expect(outbox.push('b', '2')).toBe(true);
    expect(socket.written).toEqual([]);
    await turn();
    expect(socket.written).toEqual([['a', 'b']]);
    expect(outbox.lastCursor()).toBe('2');
  });

  it('holds messages while the socket is over its limit and refuses past the queue bound', async () => {
    const socket = fakeSocket();
    socket.held = 1000;
    const outbox = createOutbox({ transport: socket, max_messages: 3, buffer_bytes: 100 });
    expect([outbox.push('a', '1'), outbox.push('b', '2'), outbox.push('c', '3')]).toEqual([true, true, true]);
    await turn();
    expect(socket.written).toEqual([]);
    expect(outbox.push('d', '4')).toBe(false);
    expect(outbox.size()).toBe(3);
    expect(outbox.lastCursor()).toBe('');
    socket.drain();
    expect(socket.written).toEqual([['a', 'b', 'c']]);
    expect(outbox.lastCursor()).toBe('3');
  });

  it('counts a batch as its events, but takes any batch into an empty queue', async () => {
    const socket = fakeSocket();
    socket.held = 1000;
    const outbox = createOutbox({ transport: socket, max_messages: 4, buffer_bytes: 100 });
    expect(outbox.push('big', '10', 10)).toBe(true);
    expect(outbox.push('one', '11', 1)).toBe(false);
    await turn();
    socket.drain();
    expect(outbox.size()).toBe(0);
    expect(outbox.push('one', '11', 1)).toBe(true);
  });

  it('lets a catch-up wait for room instead of overflowing', async () => {
    const socket = fakeSocket();
    socket.held = 1000;
    const outbox = createOutbox({ transport: socket, max_messages: 4, buffer_bytes: 100 });
    for (const text of ['a', 'b', 'c', 'd']) outbox.push(text, text);
    let roomy = false;
    void outbox.whenRoomy().then(() => (roomy = true));
    await turn();
    expect(roomy).toBe(false);
    socket.drain();
    await turn();
    expect(roomy).toBe(true);
  });
});

describe('wsTextFrame()', () => {
  it('builds frames a WebSocket client reads as the same text, for every length encoding', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const texts = ['{"a":1}', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(70_000), 'é€😀'];
    server.on('connection', (_ws, req) => {
      req.socket.write(Buffer.concat(texts.map(wsTextFrame)));
    });
    await new Promise<void>((resolve) => server.on('listening', () => resolve()));
    const { port } = server.address() as { port: number };
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data) => {
        received.push(String(data));
        if (received.length === texts.length) resolve();
      });
      client.on('error', reject);
    });
    client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(received).toEqual(texts);
  });
});
