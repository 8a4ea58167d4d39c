/**
 * A small real HTTP server speaking the OpenAI chat-completions protocol with scripted
 * replies — the one stand-in the tests allow, since a model cannot run here. Each request
 * takes the next reply of the script; the requests are recorded for assertions.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** The assistant's text (a 200 reply). */
  content?: string;
  /** A raw body instead (errors). */
  body?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Never answer (timeouts, cancel). */
  hang?: boolean;
  /** Stream the reply as these pieces of text (server-sent chunks), when the request asks to stream. */
  chunks?: string[];
  /** The reply's finish_reason (`content_filter`, `length`). @default 'stop' */
  finish_reason?: string;
  /** End a streamed reply right after its usage chunk, with neither a finish_reason nor [DONE]: a stream cut short. */
  cut?: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model?: string; messages: Array<{ role: string; content: string }>; temperature?: number; max_tokens?: number; stream?: boolean };
}

export interface ChatServer {
  /** What HARMONIA_LLM_BASE_URL would be: `http://127.0.0.1:PORT/v1`. */
  base_url: string;
  requests: RecordedRequest[];
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  /** Resolves when a hanging request's connection is closed by the client. */
  abandoned: Promise<void>;
  /** Appends replies to the script. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startChatServer(replies: ScriptedReply[] = []): Promise<ChatServer> {
  const queue = [...replies];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let abandon!: () => void;
  const abandoned = new Promise<void>((resolve) => (abandon = resolve));
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
      requests.push({ path: request.url ?? '', headers: request.headers, body });
      for (const waiter of waiters.filter((w) => w.count <= requests.length)) waiter.resolve();
      const next = queue.shift();
      if ((request.url ?? '').split('?')[0] !== '/v1/chat/completions' || next === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `unscripted request to ${request.url}` } }));
        return;
      }
      if (next.hang) {
        hanging.add(response);
        response.on('close', () => abandon());
        return;
      }
      if (next.chunks !== undefined && body.stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (extra: Record<string, unknown>) =>
          `data: ${JSON.stringify({ id: `chatcmpl-${requests.length}`, object: 'chat.completion.chunk', model: body.model ?? 'unknown', ...extra })}\n\n`;
        for (const piece of next.chunks) response.write(chunk({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }));
        const usage = chunk({ choices: [], usage: next.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
        if (next.cut) {
          response.end(usage);
          return;
        }
        response.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: next.finish_reason ?? 'stop' }] }));
        response.write(usage);
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(next.status ?? 200, { 'content-type': 'application/json', ...next.headers });
      if (next.body !== undefined) {
        response.end(next.body);
        return;
      }
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          model: body.model ?? 'unknown',
          choices: [{ index: 0, message: { role: 'assistant', content: next.content ?? '' }, finish_reason: next.finish_reason ?? 'stop' }],
          usage: next.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base_url: `http://127.0.0.1:${port}/v1`,
    requests,
    received: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    abandoned,
    script: (...more) => void queue.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
