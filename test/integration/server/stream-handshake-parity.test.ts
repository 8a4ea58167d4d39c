/**
 * The stream endpoints answer a request's mistakes as the REST routes do, whichever way the
 * stream is opened (SSE or WebSocket): an unknown query parameter is a 400 naming it and the
 * ones the endpoint takes; an id whose escapes are malformed (or that holds NUL) is a 400;
 * any other id that names no execution is a 404 EXEC_NOT_FOUND — ids have no format to
 * check — and a mistake in the query is reported before the id is looked up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorResponse } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
let id = '';
beforeAll(async () => {
  h = await openServer();
  const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' } });
  id = started.body.execution_id;
  await h.engine.waitForCompletion(id);
});
afterAll(async () => {
  await h.close();
});

interface Answer {
  status: number;
  code: string | undefined;
  message: string | undefined;
  details: Record<string, unknown> | undefined;
}

/** A WebSocket handshake's answer: 101 once opened, else the refusal's status and error. */
function wsAnswer(path: string): Promise<Answer> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, code: undefined, message: undefined, details: undefined });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += String(chunk)));
      res.on('end', () => {
        const { error } = JSON.parse(text) as ErrorResponse;
        resolve({ status: res.statusCode ?? 0, code: error.code, message: error.message, details: error.details });
      });
    });
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

/** A plain GET's answer (an SSE stream that opened is aborted at once). */
async function httpAnswer(path: string): Promise<Answer> {
  const controller = new AbortController();
  const res = await fetch(`${h.url}${path}`, { signal: controller.signal });
  if (res.headers.get('content-type')?.startsWith('text/event-stream') === true) {
    controller.abort();
    return { status: res.status, code: undefined, message: undefined, details: undefined };
  }
  const text = await res.text();
  if (res.status < 400) return { status: res.status, code: undefined, message: undefined, details: undefined };
  const { error } = JSON.parse(text) as ErrorResponse;
  return { status: res.status, code: error.code, message: error.message, details: error.details };
}

describe('an unknown query parameter on a stream', () => {
  it('is refused at the WebSocket handshake as the REST routes and SSE streams refuse it: 400, named, with what is taken', async () => {
    const cases = [
      { ws: `/ws/executions/${id}`, label: 'GET /ws/executions/:id', accepted: ['after_seq', 'token'] },
      { ws: `/ws/executions/${id}/logs`, label: 'GET /ws/executions/:id/logs', accepted: ['after', 'attempt', 'stream', 'task', 'token'] },
      { ws: '/ws/events', label: 'GET /ws/events', accepted: ['after_position', 'batch', 'token'] },
    ];
    for (const { ws, label, accepted } of cases) {
      const answer = await wsAnswer(`${ws}?limt=5`);
      expect([ws, answer.status, answer.code, answer.details]).toEqual([ws, 400, 'REQUEST_INVALID', { parameter: 'limt', accepted }]);
      expect(answer.message).toBe(`unknown query parameter 'limt' for ${label}; it takes ${accepted.join(', ')}`);
    }
    // batch belongs to the all-events feed only
    expect((await wsAnswer(`/ws/executions/${id}?batch=true`)).details).toEqual({ parameter: 'batch', accepted: ['after_seq', 'token'] });
    // what each endpoint takes still opens it
    expect((await wsAnswer(`/ws/executions/${id}?after_seq=1`)).status).toBe(101);
    expect((await wsAnswer(`/ws/executions/${id}/logs?after=0&task=greet&attempt=1&stream=stdout`)).status).toBe(101);
    expect((await wsAnswer('/ws/events?after_position=0&batch=true')).status).toBe(101);
  });

  it('is refused on every SSE stream alike', async () => {
    for (const path of [`/events/executions/${id}`, `/events/executions/${id}/logs`, '/events']) {
      const answer = await httpAnswer(`${path}?limt=5`);
      expect([path, answer.status, answer.code, answer.details?.parameter]).toEqual([path, 400, 'REQUEST_INVALID', 'limt']);
      expect(answer.message).toMatch(/^unknown query parameter 'limt' for GET \/events\S*; it takes .*token/);
    }
  });
});

describe('an execution id on a stream', () => {
  const unknown = ['nope', '..%2F..%2Fetc', '%20'];
  it('that names no execution is 404 EXEC_NOT_FOUND on REST, SSE and WebSocket alike', async () => {
    for (const bad of unknown) {
      const answers = [
        await httpAnswer(`/api/v1/executions/${bad}`),
        await httpAnswer(`/api/v1/executions/${bad}/logs`),
        await httpAnswer(`/events/executions/${bad}`),
        await httpAnswer(`/events/executions/${bad}/logs`),
        await wsAnswer(`/ws/executions/${bad}`),
        await wsAnswer(`/ws/executions/${bad}/logs`),
      ];
      expect(answers.map((a) => [bad, a.status, a.code])).toEqual(answers.map(() => [bad, 404, 'EXEC_NOT_FOUND']));
    }
  });

  it('with malformed escapes or a NUL is 400 REQUEST_INVALID on REST, SSE and WebSocket alike', async () => {
    for (const bad of ['%ff', 'a%00b']) {
      const answers = [
        await httpAnswer(`/api/v1/executions/${bad}`),
        await httpAnswer(`/events/executions/${bad}`),
        await httpAnswer(`/events/executions/${bad}/logs`),
        await wsAnswer(`/ws/executions/${bad}`),
        await wsAnswer(`/ws/executions/${bad}/logs`),
      ];
      expect(answers.map((a) => [bad, a.status, a.code])).toEqual(answers.map(() => [bad, 400, 'REQUEST_INVALID']));
    }
  });

  it('that names no execution, with a mistake in the query, is the 400 of the query everywhere', async () => {
    const answers = [
      await httpAnswer('/events/executions/nope?after_seq=abc'),
      await wsAnswer('/ws/executions/nope?after_seq=abc'),
      await httpAnswer('/events/executions/nope/logs?stream=stdouts'),
      await wsAnswer('/ws/executions/nope/logs?stream=stdouts'),
      await httpAnswer('/events/executions/nope?limt=5'),
      await wsAnswer('/ws/executions/nope?limt=5'),
    ];
    expect(answers.map((a) => [a.status, a.code])).toEqual(answers.map(() => [400, 'REQUEST_INVALID']));
  });

  it('with a log filter out of range is the same 400 on the page, SSE and WebSocket', async () => {
    for (const query of ['attempt=0', 'attempt=-1', 'attempt=1.5', 'attempt=abc', 'after=-1', 'after=abc', 'after=1e3']) {
      const answers = [
        await httpAnswer(`/api/v1/executions/${id}/logs?${query}`),
        await httpAnswer(`/events/executions/${id}/logs?${query}`),
        await wsAnswer(`/ws/executions/${id}/logs?${query}`),
      ];
      expect(answers.map((a) => [query, a.status, a.code])).toEqual(answers.map(() => [query, 400, 'REQUEST_INVALID']));
    }
  });

  it('with an empty value is read as absent on the page, SSE and WebSocket alike: one rule for every transport', async () => {
    for (const query of ['attempt=', 'after=', 'stream=', 'task=', 'attempt=&after=&stream=&task=']) {
      const answers = [
        await httpAnswer(`/api/v1/executions/${id}/logs?${query}`),
        await httpAnswer(`/events/executions/${id}/logs?${query}`),
        await wsAnswer(`/ws/executions/${id}/logs?${query}`),
      ];
      expect(answers.map((a) => [query, a.status, a.code])).toEqual([
        [query, 200, undefined],
        [query, 200, undefined],
        [query, 101, undefined],
      ]);
    }
    const events = [
      await httpAnswer(`/api/v1/executions/${id}/events?after_seq=`),
      await httpAnswer(`/events/executions/${id}?after_seq=`),
      await wsAnswer(`/ws/executions/${id}?after_seq=`),
      await httpAnswer('/events?after_position='),
      await wsAnswer('/ws/events?after_position=&batch='),
    ];
    expect(events.map((a) => [a.status, a.code])).toEqual([
      [200, undefined],
      [200, undefined],
      [101, undefined],
      [200, undefined],
      [101, undefined],
    ]);
  });

  it('that the stream cannot take names the parameter and what it takes, on SSE and WebSocket alike', async () => {
    const streams = { parameter: 'stream', accepted: ['stdout', 'stderr', 'system'] };
    const cursor = { parameter: 'after_seq', expected: expect.stringContaining('integer') };
    expect((await httpAnswer('/events/executions/nope/logs?stream=stdouts')).details).toEqual(streams);
    expect((await wsAnswer('/ws/executions/nope/logs?stream=stdouts')).details).toEqual(streams);
    expect((await httpAnswer('/events/executions/nope?after_seq=abc')).details).toEqual(cursor);
    expect((await wsAnswer('/ws/executions/nope?after_seq=abc')).details).toEqual(cursor);
    expect((await wsAnswer('/ws/events?batch=maybe')).details).toEqual({ parameter: 'batch', accepted: ['true', 'false'] });
  });
});
