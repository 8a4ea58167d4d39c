import type { TaskResult } from '../core/model.js';
import { isSecretKey, redactUrls } from '../core/secret-text.js';
import { refusedUrl, type HostLookup, type HttpPolicy } from './address-guard.js';
import { longTimeoutSignal } from '../core/long-timer.js';
import { abortedResult, errorResult } from './task-result.js';

/** One outbound request, checked against the address policy at every hop. */
export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The task's signal (timeout, cancel). */
  signal: AbortSignal;
  /** The request's own deadline, reported as TIMEOUT. */
  timeout_ms?: number;
  /** A response body larger than this fails with TASK_OUTPUT_TOO_LARGE. */
  max_bytes: number;
  policy: HttpPolicy;
  lookup?: HostLookup;
  /** @default 5 */
  max_redirects?: number;
  /** Names the request in messages, e.g. `request to 'http://...'`. */
  what?: string;
}

export type GuardedResponse =
  | { ok: true; status: number; url: string; headers: Record<string, string>; text: string }
  | { ok: false; result: TaskResult };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that describe a body: dropped with it when a redirect turns the request into a GET.
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** The headers without credentials: `authorization`, `cookie`, and every secret-named one (`x-api-key`, `x-auth-token`, ...). */
function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!isSecretKey(name)) kept[name] = value;
  return kept;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

class TooLarge extends Error {}

async function readCapped(response: Response, max: number, stop: AbortController): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      stop.abort();
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `fetch` with the address policy applied to every hop (redirects are followed by hand
 * so a redirect cannot reach a refused address; credentials are dropped, and a body
 * refused, when a redirect leaves the origin), a capped body, and failures turned
 * into task results: refused → ACTION_FORBIDDEN, refused or reset connection →
 * CONNECTION_ERROR, deadline → TIMEOUT, cancel → CANCELED.
 *
 * The address is checked before fetch connects, which re-resolves the name: a DNS
 * server that answers differently within that window is not caught.
 */
export async function guardedFetch(request: GuardedRequest): Promise<GuardedResponse> {
  const response = await fetchGuarded(request);
  if (response.ok || response.result.status !== 'error') return response;
  // Messages quote the URL (and fetch's own errors quote it too): never with its password.
  return { ok: false, result: { ...response.result, error_message: redactUrls(response.result.error_message) } };
}

async function fetchGuarded(request: GuardedRequest): Promise<GuardedResponse> {
  const what = request.what ?? `request to '${request.url}'`;
  const stop = new AbortController();
  // timeout_ms may be weeks (a slow export): AbortSignal.timeout would fire such a one at once.
  const deadline = request.timeout_ms === undefined ? null : longTimeoutSignal(request.timeout_ms);
  const timeout = deadline?.signal ?? null;
  const signal = AbortSignal.any([request.signal, stop.signal, ...(timeout ? [timeout] : [])]);
  try {
    return await fetchHops(request, what, stop, signal, timeout);
  } finally {
    deadline?.cancel();
  }
}

async function fetchHops(request: GuardedRequest, what: string, stop: AbortController, signal: AbortSignal, timeout: AbortSignal | null): Promise<GuardedResponse> {
  let method = request.method;
  let body = request.body;
  let url = request.url;
  let headers = request.headers;
  if (!URL.canParse(url)) {
    return { ok: false, result: errorResult('ACTION_INPUT_INVALID', `${what}: '${url}' is not a valid URL`, false) };
  }
  try {
    for (let hop = 0; ; hop++) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        return { ok: false, result: errorResult('ACTION_FORBIDDEN', `${what}: scheme '${parsed.protocol}' is not allowed; use http or https`, false) };
      }
      if (parsed.username !== '' || parsed.password !== '') {
        return {
          ok: false,
          result: errorResult('ACTION_INPUT_INVALID', `${what}: the URL embeds credentials; send them in an 'authorization' header instead`, false),
        };
      }
      const refused = await refusedUrl(parsed, request.policy, request.lookup);
      if (refused !== null) {
        return { ok: false, result: errorResult('ACTION_FORBIDDEN', `${what} refused: ${refused}`, false) };
      }
      signal.throwIfAborted();
      const response = await fetch(parsed, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal,
      });
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location !== null) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= (request.max_redirects ?? 5)) {
          return { ok: false, result: errorResult('HTTP_ERROR', `${what} redirected too many times`, false) };
        }
        if (!URL.canParse(location, parsed.href)) {
          return { ok: false, result: errorResult('HTTP_ERROR', `${what} redirected to an invalid location`, false) };
        }
        const next = new URL(location, parsed);
        // As the fetch standard does: 303, and 301/302 after a POST, become a GET without a body.
        if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !BODY_HEADERS.includes(name)));
        }
        if (next.origin !== parsed.origin) {
          // A body (307/308) is not sent to a server the workflow did not name: it may carry the same secrets.
          if (body !== undefined) {
            return {
              ok: false,
              result: errorResult(
                'HTTP_ERROR',
                `${what} was redirected (${response.status}) to another origin '${redactUrls(next.origin)}'; its body is not re-sent across origins: call that URL directly`,
                false,
              ),
            };
          }
          headers = withoutCredentials(headers);
        }
        url = next.toString();
        continue;
      }
      const text = await readCapped(response, request.max_bytes, stop);
      const received: Record<string, string> = {};
      response.headers.forEach((value, name) => (received[name] = value));
      return { ok: true, status: response.status, url, headers: received, text };
    }
  } catch (error) {
    if (error instanceof TooLarge) {
      return { ok: false, result: errorResult('TASK_OUTPUT_TOO_LARGE', `${what} returned more than ${request.max_bytes} bytes`, false) };
    }
    if (request.signal.aborted) return { ok: false, result: abortedResult(request.signal, what) };
    if (timeout?.aborted) return { ok: false, result: errorResult('TIMEOUT', `${what} timed out after ${request.timeout_ms} ms`, true) };
    // fetch rejects bad arguments (an invalid header value) with a TypeError of its own message.
    if (error instanceof TypeError && error.message !== 'fetch failed') {
      return { ok: false, result: errorResult('ACTION_INPUT_INVALID', `${what}: ${error.message}`, false) };
    }
    // Refused, reset, unresolvable: all worth another attempt.
    const detail = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
    return { ok: false, result: errorResult('CONNECTION_ERROR', `${what} failed: ${detail}`, true) };
  }
}
