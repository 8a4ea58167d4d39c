import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../../src/client/index.js';
import type { TaskLogPage } from '../../../src/core/wire.js';
import { readSse } from './sse-client.js';
import { openServer, type ServerHarness } from './server-harness.js';

const CHATTY = {
  // Prints three lines, waits for a go file, prints two more and fails once before passing.
  'demo/workflows/chatty.yaml': [
    'version: 1.0.0',
    'input:',
    '  gate: { type: string }',
    'tasks:',
    '  talk:',
    '    action: core.shell',
    '    retry: { max_attempts: 2, initial_delay_ms: 1 }',
    '    input:',
    '      shell: true',
    '      env: { GATE: "${input.gate}" }',
    '      command: |',
    '        echo "hello $HARMONIA_ATTEMPT"; echo "to stderr" >&2; echo third',
    '        while [ ! -f "$GATE" ]; do sleep 0.02; done',
    '        echo fourth; echo fifth',
    '        [ "$HARMONIA_ATTEMPT" -ge 2 ]',
    '',
  ].join('\n'),
};

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('task logs over the API', () => {
  it('pages an execution\'s log with filters and a cursor, and follows it live over SSE with resume', async () => {
    h = await openServer({ files: CHATTY });
    const gate = join(h.dir, 'go');
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.chatty', input: { gate } } });
    const id = started.body.execution_id;

    // Follow live: the first three lines arrive while the task still waits.
    // stdout and stderr are separate pipes: wait for the last line of each.
    const wanted = new Set(['third', 'to stderr']);
    const first = await readSse(`${h.url}/events/executions/${id}/logs`, {
      until: (m) => m.event === 'log' && wanted.delete(JSON.parse(m.data).line) && wanted.size === 0,
    });
    expect(first.status).toBe(200);
    const seen = first.messages.filter((m) => m.event === 'log');
    expect(seen.map((m) => JSON.parse(m.data).line)).toEqual(expect.arrayContaining(['hello 1', 'to stderr', 'third']));
    const resumeAt = seen.at(-1)?.id ?? '0';

    writeFileSync(gate, '');
    // Resume after the last id seen: no repeat, no gap, to the end of the execution.
    const rest = await readSse(`${h.url}/events/executions/${id}/logs`, { headers: { 'Last-Event-ID': resumeAt }, until: (m) => m.event === 'end' });
    const restLines = rest.messages.filter((m) => m.event === 'log').map((m) => JSON.parse(m.data) as { seq: number; attempt: number; line: string; stream: string });
    expect(restLines.every((l) => l.seq > Number(resumeAt))).toBe(true);
    expect(restLines.filter((l) => l.attempt === 1 && l.stream === 'stdout').map((l) => l.line)).toEqual(['fourth', 'fifth']);
    expect(restLines.filter((l) => l.attempt === 2 && l.stream === 'stdout').map((l) => l.line)).toEqual(['hello 2', 'third', 'fourth', 'fifth']);

    const all = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((l) => l.seq)).toEqual([...seen, ...rest.messages.filter((m) => m.event === 'log')].map((m) => Number(m.id)));
    const onlyErr = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs?task=talk&attempt=2&stream=stderr`);
    expect(onlyErr.body.items.map((l) => [l.attempt, l.line])).toEqual([[2, 'to stderr']]);
    const paged = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs?limit=2`);
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.next).toBe(paged.body.items[1]?.seq);

    // The SDK reads the same lines, paged and followed.
    const client = createClient({ baseUrl: h.url });
    const viaSdk = [];
    for await (const line of client.logs(id)) viaSdk.push(line.seq);
    expect(viaSdk).toEqual(all.body.items.map((l) => l.seq));
    const followed = [];
    for await (const line of client.logs(id, { follow: true, task: 'talk', attempt: 1 })) followed.push(line.line);
    // stdout and stderr are separate pipes: their lines interleave as they arrive.
    expect(followed.filter((l) => !l.startsWith('failed with')).sort()).toEqual(['fifth', 'fourth', 'hello 1', 'third', 'to stderr']);
  });

  it('follows the log over WebSocket, resuming after the last seq seen, and ends when the execution does', async () => {
    h = await openServer({ files: CHATTY });
    const gate = join(h.dir, 'go');
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.chatty', input: { gate } } });
    const id = started.body.execution_id;
    const wsUrl = `${h.url.replace('http', 'ws')}/ws/executions/${id}/logs`;
    const read = (url: string, stopWhen: (m: { type: string; line?: string }) => boolean) =>
      new Promise<Array<{ type: string; seq?: number; line?: string; attempt?: number }>>((resolve, reject) => {
        const socket = new WebSocket(url);
        const got: Array<{ type: string; seq?: number; line?: string }> = [];
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type: string; line?: string };
          got.push(message);
          if (stopWhen(message)) {
            socket.close();
            resolve(got);
          }
        });
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
    const first = await read(`${wsUrl}?stream=stdout`, (m) => m.line === 'third');
    expect(first.map((m) => m.line)).toEqual(['hello 1', 'third']);
    writeFileSync(gate, '');
    const rest = await read(`${wsUrl}?stream=stdout&after=${first.at(-1)?.seq ?? 0}`, (m) => m.type === 'end');
    expect(rest.filter((m) => m.type === 'log').map((m) => `${m.attempt}:${m.line}`)).toEqual(['1:fourth', '1:fifth', '2:hello 2', '2:third', '2:fourth', '2:fifth']);
    expect(rest.at(-1)).toMatchObject({ type: 'end', execution_id: id });
  });

  it('answers a bad filter with 400 and an unknown execution with 404', async () => {
    h = await openServer({ files: CHATTY });
    expect((await h.call('GET', '/api/v1/executions/nope/logs')).status).toBe(404);
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.chatty', input: { gate: '/nonexistent' } } });
    expect((await h.call('GET', `/api/v1/executions/${started.body.execution_id}/logs?stream=stdouts`)).status).toBe(400);
    expect((await h.call('GET', `/api/v1/executions/${started.body.execution_id}/logs?after=-1`)).status).toBe(400);
    await h.call('POST', `/api/v1/executions/${started.body.execution_id}/cancel`);
  });

  it("answers a task the execution does not have with 400, not an empty log, on the page and both streams", async () => {
    h = await openServer({ files: CHATTY });
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.chatty', input: { gate: '/nonexistent' } } });
    const id = started.body.execution_id;
    const page = await h.call<{ error: { code: string; message: string } }>('GET', `/api/v1/executions/${id}/logs?task=tlak`);
    expect(page.status).toBe(400);
    expect(page.body.error.code).toBe('USAGE_INVALID');
    expect(page.body.error.message).toBe(`execution '${id}' has no task 'tlak'`);
    const stream = await h.call<{ error: { code: string } }>('GET', `/events/executions/${id}/logs?task=tlak`);
    expect(stream.status).toBe(400);
    expect(stream.body.error.code).toBe('USAGE_INVALID');
    const socket = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${id}/logs?task=tlak`);
    // A refused handshake ends in an 'error' too (the socket never opened): heard, not thrown.
    socket.on('error', () => undefined);
    expect(await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))).toBe(400);
    socket.terminate();
    // a task that has not printed yet is still an empty page
    const quiet = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs?task=talk&stream=system`);
    expect(quiet.status).toBe(200);
    await h.call('POST', `/api/v1/executions/${id}/cancel`);
  });
});
