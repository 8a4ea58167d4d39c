/**
 * The one client of OpenAI-compatible `/chat/completions` endpoints, over Node's fetch
 * (no SDK: the protocol is one POST, and every local server speaks it). It waits out
 * 429 and 5xx answers (honouring Retry-After) a bounded number of times, aborts on the
 * caller's signal or its own deadline, and never lets the API key into a message or
 * a reply.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { longTimeoutSignal } from '../core/long-timer.js';
import { createSecretMasker } from '../core/secret-masker.js';
import { redactUrls, urlQuerySecrets } from '../core/secret-text.js';
import type { ChatReply, ChatRequest, ChatUsage } from './chat-types.js';
import { LlmError, withCost } from './llm-error.js';
import { parseRetryAfter } from './retry-after.js';

export interface ChatClientOptions {
  /** The URL `/chat/completions` is appended to, e.g. `http://127.0.0.1:11434/v1`. */
  base_url: string;
  /** Used when a request names no model. @default null (the request must name one) */
  model?: string | null;
  /** Sent as `Authorization: Bearer <key>`; a secret. @default null */
  api_key?: string | null;
  /** Deadline of one HTTP request. @default 120000 */
  timeout_ms?: number;
  /** Re-sends after a 429 or 5xx. @default 2 */
  max_retries?: number;
  /** A Retry-After longer than this is not waited out: the call fails (retriable) instead. @default 60000 */
  max_retry_wait_ms?: number;
  /** Largest reply body read, in bytes. @default 8388608 */
  max_reply_bytes?: number;
  /** Waits between re-sends (tests record the waits). @default timers/promises setTimeout */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** @default Date.now */
  now?: () => number;
}

/** Sends conversations to one model server. */
export interface ChatClient {
  /** The model a request without one gets; null when none is configured. */
  readonly default_model: string | null;
  /**
   * Sends one conversation and returns the first choice.
   * Thrown when the call fails: LlmError (typed for retry policies).
   */
  complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply>;
  /** Replaces the key (and URL passwords) in text that came from the server or quotes it. */
  hide(text: string): string;
}

const defaultWait = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/**
 * Creates a chat client for one endpoint.
 * @example
 * const client = createChatClient({ base_url: 'http://127.0.0.1:11434/v1', model: 'llama3.2' });
 * const reply = await client.complete({ messages: [{ role: 'user', content: 'Say hi' }] });
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  // A key may ride in the base URL's query (`?key=`, as Google's endpoints take it): the path goes before it.
  const queryAt = options.base_url.indexOf('?');
  const basePath = queryAt < 0 ? options.base_url : options.base_url.slice(0, queryAt);
  const url = `${basePath.replace(/\/+$/, '')}/chat/completions${queryAt < 0 ? '' : options.base_url.slice(queryAt)}`;
  const key = options.api_key ?? null;
  const timeout = options.timeout_ms ?? 120_000;
  const maxRetries = options.max_retries ?? 2;
  const maxWait = options.max_retry_wait_ms ?? 60_000;
  const maxBytes = options.max_reply_bytes ?? 8 * 1024 * 1024;
  const wait = options.wait ?? defaultWait;
  const now = options.now ?? Date.now;
  // A key of a few characters is a placeholder (Ollama accepts any); hiding it would mangle every reply.
  // Servers quote a key back as they got it, URL- or JSON-escaped, or base64-encoded (inside
  // `Bearer <key>` or alone), and may echo the URL's own key (`?key=`): the masker hides every
  // derived form of what it is given, in one linear pass.
  const keyForms = key !== null && key.length >= 4 ? [key] : [];
  const urlKeys = urlQuerySecrets(options.base_url).filter((secret) => secret.length >= 4);
  const masker = createSecretMasker([...keyForms, ...urlKeys]);
  const hide = (text: string): string => redactUrls(masker.maskText(text));
  // The longest form hide looks for: a snippet is hidden before it is cut, or a key across the cut would show its head.
  const longest = Math.max(key === null ? 0 : key.length, ...urlKeys.map((secret) => secret.length));
  const reach = longest === 0 ? 0 : longest * 6 + 16;
  const hideCut = (text: string, length: number): string => hide(text.slice(0, length + reach)).slice(0, length);
  const where = `model server '${redactUrls(options.base_url)}'`;

  async function once(body: string, signal: AbortSignal | undefined, deadline: AbortSignal): Promise<Response> {
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (key !== null && key !== '') headers.authorization = `Bearer ${key}`;
    try {
      return await fetch(url, { method: 'POST', headers, body, signal: combined });
    } catch (error) {
      if (signal?.aborted) throw new LlmError('CANCELED', `the request to ${where} was canceled`, { retriable: false, cause: signal.reason });
      if (deadline.aborted) throw new LlmError('TIMEOUT', `the request to ${where} timed out after ${timeout} ms`, { retriable: true });
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
      throw new LlmError('CONNECTION_ERROR', hide(`the request to ${where} failed: ${detail}`), { retriable: true });
    }
  }

  /** Reads a whole reply, stopping (and closing the connection) as soon as it passes maxBytes: a server may send without end. */
  async function readText(response: Response, signal: AbortSignal | undefined, deadline: AbortSignal): Promise<string> {
    const tooLarge = (): LlmError => new LlmError('LLM_BAD_REPLY', `${where} sent a reply larger than ${maxBytes} bytes`, { retriable: false });
    try {
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      if (response.body === null) return '';
      const decoder = new TextDecoder();
      let text = '';
      let bytes = 0;
      for await (const chunk of response.body) {
        bytes += chunk.byteLength;
        // Leaving the loop early cancels the body, which closes the connection.
        if (bytes > maxBytes) throw tooLarge();
        text += decoder.decode(chunk, { stream: true });
      }
      return text + decoder.decode();
    } catch (error) {
      if (error instanceof LlmError) throw error;
      if (signal?.aborted) throw new LlmError('CANCELED', `the request to ${where} was canceled`, { retriable: false });
      if (deadline.aborted) throw new LlmError('TIMEOUT', `the reply of ${where} took longer than ${timeout} ms`, { retriable: true });
      throw new LlmError('CONNECTION_ERROR', `the reply of ${where} was cut off`, { retriable: true });
    }
  }

  /** A streamed reply (server-sent `chat.completion.chunk`s): pieces of text told as they come, usage from the last chunk. */
  async function readStream(
    response: Response,
    model: string,
    onText: (text: string) => void,
    signal: AbortSignal | undefined,
    deadline: AbortSignal,
  ): Promise<Omit<ChatReply, 'requests'>> {
    let text = '';
    let answeredBy = model;
    let usage: ChatUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    let reported = false;
    let finish: string | null = null;
    let pending = '';
    let bytes = 0;
    let done = false;
    const take = (line: string): void => {
      if (!line.startsWith('data:')) return;
      const data = line.slice(5).trim();
      if (data === '[DONE]') done = true;
      if (data === '' || data === '[DONE]') return;
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new LlmError('LLM_BAD_REPLY', `${where} streamed a chunk that is not JSON: '${hideCut(data, 100)}'`, { retriable: true });
      }
      if (!isRecord(chunk)) return;
      // Servers report a failure after the headers (out of memory, overloaded) as an error chunk.
      if (chunk.error !== undefined) {
        const said = typeof chunk.error === 'string' ? chunk.error : isRecord(chunk.error) && typeof chunk.error.message === 'string' ? chunk.error.message : JSON.stringify(chunk.error);
        throw new LlmError('LLM_SERVER_ERROR', `${where} failed while streaming: ${hideCut(said, 300)}`, { retriable: true });
      }
      if (typeof chunk.model === 'string') answeredBy = chunk.model;
      if (isRecord(chunk.usage)) {
        reported = true;
        usage = {
          prompt_tokens: count(chunk.usage.prompt_tokens),
          completion_tokens: count(chunk.usage.completion_tokens),
          total_tokens: count(chunk.usage.total_tokens) || count(chunk.usage.prompt_tokens) + count(chunk.usage.completion_tokens),
        };
      }
      const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as unknown) : undefined;
      if (!isRecord(choice)) return;
      if (typeof choice.finish_reason === 'string') finish = choice.finish_reason;
      const piece = isRecord(choice.delta) ? choice.delta.content : undefined;
      if (typeof piece === 'string' && piece !== '') {
        text += piece;
        onText(piece);
      }
    };
    try {
      if (response.body === null) throw new LlmError('LLM_BAD_REPLY', `${where} streamed no body`, { retriable: true });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) throw new LlmError('LLM_BAD_REPLY', `${where} sent a reply larger than ${maxBytes} bytes`, { retriable: false });
        // Only the new piece is searched for a line break: splitting all that is pending on
        // every chunk made a long line cost time quadratic in its length.
        const piece = decoder.decode(chunk, { stream: true });
        const cut = piece.lastIndexOf('\n');
        if (cut < 0) {
          pending += piece;
          continue;
        }
        const lines = (pending + piece.slice(0, cut)).split('\n');
        pending = piece.slice(cut + 1);
        for (const line of lines) take(line.replace(/\r$/, ''));
      }
      take(pending);
      // A stream cut short by a proxy or a dying server ends like a whole one; only its finish says it is whole.
      if (!done && finish === null) throw new LlmError('LLM_BAD_REPLY', `${where} ended its stream before the reply was complete`, { retriable: true });
    } catch (error) {
      const failure =
        error instanceof LlmError
          ? error
          : signal?.aborted
            ? new LlmError('CANCELED', `the request to ${where} was canceled`, { retriable: false })
            : deadline.aborted
              ? new LlmError('TIMEOUT', `the reply of ${where} took longer than ${timeout} ms`, { retriable: true })
              : new LlmError('CONNECTION_ERROR', `the reply of ${where} was cut off`, { retriable: true });
      // Usage the server sent before the stream broke is what it bills, reply or not.
      throw reported ? withCost(failure, { usage, model: answeredBy }) : failure;
    }
    return { text: hide(text), model: answeredBy, usage, finish_reason: finish };
  }

  // A reply the server's content filter stopped is empty or cut: not an answer to hand on as one.
  function withheld<T extends Omit<ChatReply, 'requests'>>(reply: T): T {
    if (reply.finish_reason !== 'content_filter') return reply;
    throw new LlmError('LLM_REQUEST_REJECTED', `${where} withheld the reply: its content filter stopped it (finish_reason 'content_filter')`, {
      retriable: false,
      usage: reply.usage,
      model: reply.model,
    });
  }

  return {
    default_model: options.model ?? null,
    hide,
    async complete(request, signal) {
      const model = request.model ?? options.model ?? null;
      if (model === null || model === '') {
        throw new LlmError('LLM_REQUEST_REJECTED', `no model named: pass 'model' or set HARMONIA_LLM_MODEL`, { retriable: false });
      }
      const body = JSON.stringify({
        model,
        messages: request.messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
        ...(request.on_text ? { stream: true, stream_options: { include_usage: true } } : { stream: false }),
      });
      // Each failure says how many requests the call made: a failed attempt's count is billed like a whole one.
      let requests = 1;
      try {
        for (; ; requests++) {
          // AbortSignal.timeout fires after 1 ms past ~24.8 days; the setting takes any length.
          const timer = longTimeoutSignal(timeout);
          const deadline = timer.signal;
          let response: Response;
          let text: string;
          try {
            response = await once(body, signal, deadline);
            if (response.ok && request.on_text && (response.headers.get('content-type') ?? '').includes('text/event-stream')) {
              return { ...withheld(await readStream(response, model, request.on_text, signal, deadline)), requests };
            }
            text = await readText(response, signal, deadline);
          } finally {
            timer.cancel();
          }
          if (response.ok) {
            const reply = withheld(readReply(text, model, where, hide, hideCut));
            request.on_text?.(reply.text);
            return { ...reply, requests };
          }
          const status = response.status;
          const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
          const snippet = hideCut(text, 300).trim();
          const said = `${where} answered ${status}${snippet ? `: ${snippet}` : ''}`;
          if (status !== 429 && status < 500) {
            throw new LlmError('LLM_REQUEST_REJECTED', said, { retriable: false, status });
          }
          const type = status === 429 ? 'LLM_RATE_LIMITED' : 'LLM_SERVER_ERROR';
          const pause = retryAfter ?? Math.min(1000 * 2 ** (requests - 1), maxWait);
          if (requests > maxRetries || pause > maxWait) {
            // A Retry-After of 10^20 seconds is a broken server, not a plan: no exponent in the message.
            const after = retryAfter === null ? '' : retryAfter > DAY_MS ? ' (retry after more than a day)' : ` (retry after ${Math.ceil(retryAfter / 1000)} s)`;
            throw new LlmError(type, `${said}${after}`, { retriable: true, status, retry_after_ms: retryAfter });
          }
          try {
            await wait(pause, signal ?? new AbortController().signal);
          } catch {
            throw new LlmError('CANCELED', `the request to ${where} was canceled while waiting to retry`, { retriable: false });
          }
        }
      } catch (error) {
        throw error instanceof LlmError ? withCost(error, { requests }) : error;
      }
    },
  };
}

const DAY_MS = 86_400_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function readReply(
  text: string,
  model: string,
  where: string,
  hide: (text: string) => string,
  hideCut: (text: string, length: number) => string,
): Omit<ChatReply, 'requests'> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LlmError('LLM_BAD_REPLY', `${where} did not answer with JSON: '${hideCut(text, 100)}'`, { retriable: true });
  }
  const choice = isRecord(body) && Array.isArray(body.choices) ? (body.choices[0] as unknown) : undefined;
  const message = isRecord(choice) ? choice.message : undefined;
  const content = isRecord(message) ? message.content : undefined;
  if (typeof content !== 'string') {
    const finish = isRecord(choice) && typeof choice.finish_reason === 'string' ? ` (finish_reason '${hideCut(choice.finish_reason, 40)}')` : '';
    throw new LlmError('LLM_BAD_REPLY', `${where} answered without choices[0].message.content${finish}`, { retriable: true });
  }
  const usage = isRecord(body) && isRecord(body.usage) ? body.usage : {};
  const counted: ChatUsage = {
    prompt_tokens: count(usage.prompt_tokens),
    completion_tokens: count(usage.completion_tokens),
    total_tokens: count(usage.total_tokens) || count(usage.prompt_tokens) + count(usage.completion_tokens),
  };
  return {
    text: hide(content),
    model: isRecord(body) && typeof body.model === 'string' ? body.model : model,
    usage: counted,
    finish_reason: isRecord(choice) && typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
  };
}

/** The client for the resolved HARMONIA_LLM_* settings; null when no endpoint is set (core.llm and the assistant are then off). */
export function chatClientFromSettings(
  settings: { base_url: string; model: string | null; api_key: string | null; timeout_ms: number; max_retries: number } | null,
): ChatClient | null {
  if (settings === null) return null;
  return createChatClient(settings);
}
