/**
 * Behaviours the real server never produces on purpose (a hole in the seqs, a
 * connection cut after every event, a server that stays down or never answers, a
 * URL that is not a harmonia server), played by a small HTTP server on a loopback
 * port that speaks the same SSE and REST shapes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, HarmoniaClientError, TimeoutError, UnavailableError } from '../../../src/client/index.js';
import type { ExecutionEvent, EventType } from '../../../src/core/model.js';

function event(seq: number, event_type: EventType = 'task_completed'): ExecutionEvent {
  // The client passes events through whatever their type; the payload is not what is tested.
  return { event_type, execution_id: 'e1', workflow_id: 'w1', task_id: 't', timestamp: new Date(0).toISOString(), seq, data: {} } as ExecutionEvent;
}

function sse(res: ServerResponse, events: readonly ExecutionEvent[]): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  res.write('retry: 5\n\n');
  for (const e of events) res.write(`id: ${e.seq}\nevent: ${e.event_type}\ndata: ${JSON.stringify(e)}\n\n`);
}

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const FINISHED = { execution_id: 'e1', status: 'completed', last_seq: 5 };

describe('HarmoniaClient.events()', () => {
  it('fills a hole in the stream from the stored history', async () => {
    const url = await serve((req, res) => {
      if (req.url?.startsWith('/api/v1/executions/e1/events')) {
        res.end(JSON.stringify({ execution_id: 'e1', events: [event(2), event(3), event(4)], last_seq: 4 }));
      } else if (req.url === '/api/v1/executions/e1') {
        res.end(JSON.stringify(FINISHED));
      } else {
        sse(res, [event(1), event(4), event(5, 'workflow_completed')]);
        res.end();
      }
    });
    const seqs: number[] = [];
    for await (const e of createClient({ baseUrl: url }).events('e1')) seqs.push(e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('reconnects after every cut, resuming after the last event it yielded', async () => {
    const resumedFrom: Array<string | undefined> = [];
    let served = 0;
    const url = await serve((req, res) => {
      // the client asks for the status on every reconnect: running until the last event went out
      if (req.url === '/api/v1/executions/e1') return void res.end(JSON.stringify(served < 5 ? { ...FINISHED, status: 'running', last_seq: served } : FINISHED));
      const header = req.headers['last-event-id'];
      const after = Number(header ?? 0);
      resumedFrom.push(typeof header === 'string' ? header : undefined);
      served = after + 1;
      // one event per connection; once it is flushed, the connection is cut
      sse(res, [event(after + 1, after + 1 === 5 ? 'workflow_completed' : 'task_completed')]);
      res.write(': cut\n\n', () => res.socket?.destroy());
    });
    const seqs: number[] = [];
    for await (const e of createClient({ baseUrl: url }).events('e1')) seqs.push(e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(resumedFrom).toEqual([undefined, '1', '2', '3', '4']);
  });

  it('gives up with UnavailableError when reconnects keep failing', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/api/v1/executions/e1') return void res.end(JSON.stringify({ ...FINISHED, status: 'running', last_seq: 1 }));
      sse(res, [event(1)]);
      res.end();
      // the server goes away after the first stream
      server?.close();
    });
    const seqs: number[] = [];
    const iterate = async () => {
      for await (const e of createClient({ baseUrl: url }).events('e1', { maxReconnects: 2, reconnectDelayMs: 5 })) seqs.push(e.seq);
    };
    await expect(iterate()).rejects.toBeInstanceOf(UnavailableError);
    expect(seqs).toEqual([1]);
  });
});

describe('HarmoniaClient requests', () => {
  it('throws TimeoutError when the server does not answer within timeoutMs', async () => {
    const url = await serve((_req, res) => {
      // answer only when the client has given up, so the server can close
      res.on('close', () => res.destroy());
    });
    const error = await createClient({ baseUrl: url, timeoutMs: 50 }).getServerStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 0 });
  });

  it('waits out a slow answer under a timeoutMs past setTimeout\'s 24.8 days (which would fire at once)', async () => {
    let arrived: (answer: () => void) => void = () => undefined;
    const request = new Promise<() => void>((resolve) => (arrived = resolve));
    const url = await serve((_req, res) =>
      arrived(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      }),
    );
    const pending = createClient({ baseUrl: url, timeoutMs: 30 * 86_400_000 }).getServerStatus();
    // A timer fired early fails the request before it arrives: the race ends with that.
    const answer = await Promise.race([request, pending.then(() => () => undefined)]);
    // An overflowed timer fires after 1 ms: long gone by the time this one does.
    await new Promise((resolve) => setTimeout(resolve, 30));
    answer();
    await expect(pending).resolves.toMatchObject({ status: 'ok' });
  });

  it('says so when the URL answers with something that is not JSON', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const error = await createClient({ baseUrl: url }).getServerStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarmoniaClientError);
    expect((error as Error).message).toContain('is the URL a harmonia server?');
  });

  it('keeps the status of an error response without a JSON body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('maintenance');
    });
    const error = await createClient({ baseUrl: url }).getServerStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
  });
});
