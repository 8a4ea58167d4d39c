/**
 * The chat client and core.llm against a model server that misbehaves as real ones do:
 * replies with no end, keys quoted back in other encodings or cut at a boundary, streams
 * that stop early, and replies with very many schema errors. A real HTTP server each time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../../src/actions/action.js';
import { createLlmAction } from '../../../src/actions/core-llm.js';
import { createChatClient, type ChatClientOptions } from '../../../src/llm/chat-client.js';
import { LlmError } from '../../../src/llm/llm-error.js';

const KEY = 'sk-proj-Abc/123+xyz=9f3aQ';

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Starts a real HTTP server answering every request with `handle`; returns its base URL. */
async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => handle(request, response));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function client(base_url: string, extra: Partial<ChatClientOptions> = {}) {
  return createChatClient({ base_url, model: 'm', api_key: KEY, max_retries: 0, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function completion(content: string, finish = 'stop'): string {
  return JSON.stringify({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

/** Every 8-character piece of the key: none may show. */
function pieces(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= key.length; i++) out.push(key.slice(i, i + 8));
  return out;
}

describe('a reply with no end', () => {
  it('fails LLM_BAD_REPLY once a chunked body passes max_reply_bytes, without waiting for it to end', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const block = 'x'.repeat(16 * 1024);
      const more = (): void => {
        while (response.write(block)) {
          /* fill the socket */
        }
      };
      response.on('drain', more);
      more();
    });
    const error = await failure(client(url, { max_reply_bytes: 256 * 1024, timeout_ms: 20_000 }).complete(ask));
    expect(error.error_type).toBe('LLM_BAD_REPLY');
    expect(error.message).toContain('larger than 262144 bytes');
  });

  it('does the same for an error answer with no end', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      const block = 'y'.repeat(16 * 1024);
      const more = (): void => {
        while (response.write(block)) {
          /* fill the socket */
        }
      };
      response.on('drain', more);
      more();
    });
    const error = await failure(client(url, { max_reply_bytes: 256 * 1024, timeout_ms: 20_000 }).complete(ask));
    expect(error.error_type).toBe('LLM_BAD_REPLY');
  });
});

describe('the API key quoted back', () => {
  it('is hidden when the quote is cut at the snippet boundary of an error', async () => {
    for (const at of [290, 295, 299]) {
      const url = await serve((_request, response) => {
        response.writeHead(401, { 'content-type': 'text/plain' });
        response.end(`${'e'.repeat(at)}${KEY} is not valid`);
      });
      const error = await failure(client(url).complete(ask));
      for (const piece of pieces(KEY)) expect(error.message).not.toContain(piece);
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
    }
  });

  it('is hidden when the quote is cut at the snippet boundary of a reply that is not JSON', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`${'n'.repeat(88)}${KEY}`);
    });
    const error = await failure(client(url).complete(ask));
    expect(error.error_type).toBe('LLM_BAD_REPLY');
    for (const piece of pieces(KEY)) expect(error.message).not.toContain(piece);
  });

  it('is hidden URL-encoded, base64- and base64url-encoded, in errors and replies', async () => {
    const forms = [encodeURIComponent(KEY), Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('base64url'), Buffer.from(`Bearer ${KEY}`).toString('base64')];
    let status = 401;
    const url = await serve((_request, response) => {
      if (status === 401) {
        response.writeHead(401, { 'content-type': 'text/plain' });
        response.end(`bad key: ${forms.join(' ')}`);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(completion(`you sent ${forms.join(' and ')}`));
      }
    });
    const c = client(url);
    const error = await failure(c.complete(ask));
    for (const form of forms) expect(error.message).not.toContain(form);
    expect(error.message).toContain('bad key: **REDACTED**');
    status = 200;
    const reply = await c.complete(ask);
    for (const form of forms) expect(reply.text).not.toContain(form);
    expect(reply.text).toContain('you sent **REDACTED**');
  });
});

describe('a stream that stops early', () => {
  it('is not taken for a whole reply when it ends without a finish_reason or [DONE]', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { content: '{"title": "half' }, finish_reason: null }] })}\n\n`);
      response.end();
    });
    const seen: string[] = [];
    const error = await failure(client(url).complete({ ...ask, on_text: (t) => seen.push(t) }));
    expect(error.error_type).toBe('LLM_BAD_REPLY');
    expect(error.retriable).toBe(true);
  });
});

describe('a stream that reports an error after its headers', () => {
  it('fails LLM_SERVER_ERROR (retriable) with the server\'s message, the key hidden', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })}\n\n`);
      response.end(`data: ${JSON.stringify({ error: { message: `out of memory serving ${KEY}` } })}\n\n`);
    });
    const error = await failure(client(url).complete({ ...ask, on_text: () => undefined }));
    expect(error).toMatchObject({ error_type: 'LLM_SERVER_ERROR', retriable: true });
    expect(error.message).toContain('failed while streaming: out of memory serving **REDACTED**');
  });
});

describe('core.llm with a reply of very many schema errors', () => {
  it('fails LLM_SCHEMA_MISMATCH with a bounded message, and re-asks with a bounded one', async () => {
    const bodies: string[] = [];
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion(JSON.stringify(Array.from({ length: 5000 }, (_, i) => i))));
    });
    const ctx: ActionContext = { execution_id: 'e', task_id: 't', attempt: 1, idempotency_key: 'e:t', signal: new AbortController().signal, timeout_ms: 60_000, max_output_bytes: 1_000_000 };
    const c = client(url);
    const complete = c.complete.bind(c);
    const result = await createLlmAction({
      ...c,
      default_model: c.default_model,
      hide: c.hide,
      complete: (request, signal) => {
        bodies.push(JSON.stringify(request.messages));
        return complete(request, signal);
      },
    }).run({ prompt: 'numbers as strings', response_schema: { type: 'array', items: { type: 'string' } }, max_schema_attempts: 2 }, ctx);
    expect(result).toMatchObject({ status: 'error', error_type: 'LLM_SCHEMA_MISMATCH' });
    const message = result.status === 'error' ? result.error_message : '';
    expect(message.length).toBeLessThan(4000);
    expect(message).toContain('4990 more');
    // The second request re-asks with the errors: a bounded list, not 5000 of them.
    const reask = (JSON.parse(bodies[1] ?? '[]') as Array<{ content: string }>).at(-1)?.content ?? '';
    expect(reask.length).toBeLessThan(4000);
    expect(reask).toContain('4990 more');
  });
});

describe('finish reasons', () => {
  it('fails LLM_REQUEST_REJECTED (not retriable) when the content filter withheld the reply, streamed or whole', async () => {
    let streamed = false;
    const url = await serve((_request, response) => {
      if (streamed) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { content: 'I can' }, finish_reason: null }] })}\n\n`);
        response.write(`data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] })}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion('', 'content_filter'));
    });
    const whole = await failure(client(url).complete(ask));
    expect(whole).toMatchObject({ error_type: 'LLM_REQUEST_REJECTED', retriable: false });
    expect(whole.message).toContain("finish_reason 'content_filter'");
    streamed = true;
    const stream = await failure(client(url).complete({ ...ask, on_text: () => undefined }));
    expect(stream).toMatchObject({ error_type: 'LLM_REQUEST_REJECTED', retriable: false });
  });

  it("says a reply failing response_schema was cut at max_tokens when finish_reason is 'length'", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion('{"title": "a long ti', 'length'));
    });
    const ctx: ActionContext = { execution_id: 'e', task_id: 't', attempt: 1, idempotency_key: 'e:t', signal: new AbortController().signal, timeout_ms: 60_000, max_output_bytes: 1_000_000 };
    const result = await createLlmAction(client(url)).run({ prompt: 'a title', max_tokens: 5, response_schema: { type: 'object' }, max_schema_attempts: 1 }, ctx);
    expect(result).toMatchObject({ status: 'error', error_type: 'LLM_SCHEMA_MISMATCH' });
    expect(result.status === 'error' ? result.error_message : '').toContain("the reply was cut off at max_tokens (finish_reason 'length'); max_tokens is 5");
  });

  it('names the finish reason of a reply with no text (a tool call)', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c' }] }, finish_reason: 'tool_calls' }] }));
    });
    const error = await failure(client(url).complete(ask));
    expect(error).toMatchObject({ error_type: 'LLM_BAD_REPLY', retriable: true });
    expect(error.message).toContain("without choices[0].message.content (finish_reason 'tool_calls')");
  });
});

describe('a reply that stops mid-body (held)', () => {
  it('fails TIMEOUT when the body hangs, and CONNECTION_ERROR when the connection drops, streamed or whole', async () => {
    let mode: 'hang' | 'drop' = 'hang';
    let stream = false;
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      response.write(stream ? `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })}\n\n` : '{"choices": [');
      if (mode === 'drop') response.socket?.destroy();
    });
    for (const s of [false, true]) {
      stream = s;
      mode = 'hang';
      const request = s ? { ...ask, on_text: () => undefined } : ask;
      expect(await failure(client(url, { timeout_ms: 200 }).complete(request))).toMatchObject({ error_type: 'TIMEOUT', retriable: true });
      mode = 'drop';
      expect(await failure(client(url, { timeout_ms: 20_000 }).complete(request))).toMatchObject({ error_type: 'CONNECTION_ERROR', retriable: true });
    }
  });
});

describe('Retry-After', () => {
  it('fails at once, retriable, on a wait past the cap, in either form, and says so without an exponent', async () => {
    let value = '99999999999999999999999';
    let requests = 0;
    const url = await serve((_request, response) => {
      requests += 1;
      response.writeHead(429, { 'retry-after': value });
      response.end('slow down');
    });
    const c = client(url, { max_retries: 5 });
    const seconds = await failure(c.complete(ask));
    expect(seconds).toMatchObject({ error_type: 'LLM_RATE_LIMITED', retriable: true });
    expect(seconds.message).toContain('answered 429: slow down (retry after more than a day)');
    value = new Date(Date.now() + 3_600_000).toUTCString();
    const date = await failure(c.complete(ask));
    expect(date.message).toMatch(/\(retry after 3[56]\d\d s\)$/);
    expect(requests).toBe(2);
  });
});

describe('a stream in small pieces', () => {
  it('reads lines cut anywhere, CRLF or LF, into the same reply and the same log lines', async () => {
    const events = ['first line\nsec', 'ond line\n', 'third'].map((content) => `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\r\n\r\n`);
    const body = `${events.join('')}data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })}\n\ndata: [DONE]\n\n`;
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let at = 0;
      // One write per few bytes, each flushed before the next: the client sees many small chunks.
      const next = (): void => {
        if (at >= body.length) {
          response.end();
          return;
        }
        response.write(body.slice(at, at + 7), () => setImmediate(next));
        at += 7;
      };
      next();
    });
    const logged: string[] = [];
    const ctx: ActionContext = { execution_id: 'e', task_id: 't', attempt: 1, idempotency_key: 'e:t', signal: new AbortController().signal, timeout_ms: 60_000, max_output_bytes: 1_000_000, log: (stream, line) => void (stream === 'stdout' && logged.push(line)) };
    const result = await createLlmAction(client(url)).run({ prompt: 'three lines' }, ctx);
    expect(result).toMatchObject({ status: 'success', data: { text: 'first line\nsecond line\nthird', usage: { total_tokens: 7 }, finish_reason: 'stop' } });
    expect(logged).toEqual(['first line', 'second line', 'third']);
  });
});

describe('a request deadline longer than setTimeout takes (HARMONIA_LLM_TIMEOUT_MS of 30 days)', () => {
  it('waits for the reply instead of timing out after 1 ms', async () => {
    const url = await serve((_request, response) => {
      // Answered on a later turn of the event loop: a deadline run after 1 ms has passed by then.
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(completion('late but fine'));
      }, 20);
    });
    const reply = await client(url, { timeout_ms: 30 * 86_400_000 }).complete(ask);
    expect(reply.text).toBe('late but fine');
  });
});
