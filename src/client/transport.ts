/**
 * The client's one HTTP edge: builds URLs, sends the bearer token, applies the
 * timeout, and turns every failure into a typed error. Methods of the client call
 * `request`; the event stream calls `open` and reads the body itself.
 */
import { errorFromNetwork, errorFromResponse, HarmoniaClientError, TimeoutError } from './errors.js';
import { setLongTimeout } from '../core/long-timer.js';

/** The fetch function the client calls; the global fetch fits. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  token?: string | undefined;
  fetch?: FetchLike | undefined;
  /** Milliseconds a request may take, body included; streams only wait this long for headers. 0 = no limit. @default 30000 */
  timeoutMs?: number | undefined;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** A JSON value, or YAML text when `contentType` says so. */
  body?: unknown;
  contentType?: 'application/json' | 'application/yaml';
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export interface Transport {
  readonly baseUrl: string;
  /** Sends a request and parses the JSON answer; non-2xx answers throw typed errors. */
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** Sends a request and returns the 2xx response unread (for streams). */
  open(method: string, path: string, options?: RequestOptions): Promise<Response>;
}

/** Creates the transport for one server. */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;

  const urlFor = (path: string, query: Record<string, QueryValue> = {}): string => {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  };

  const send = async (method: string, path: string, request: RequestOptions, timer: Timer): Promise<Response> => {
    const url = urlFor(path, request.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (options.token !== undefined && options.token !== '') headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      const contentType = request.contentType ?? 'application/json';
      headers['Content-Type'] = contentType;
      body = contentType === 'application/json' ? JSON.stringify(request.body) : String(request.body);
    }
    const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
    let response: Response;
    try {
      response = await fetchFn(url, { method, headers, ...(body !== undefined ? { body } : {}), signal });
    } catch (error) {
      throw failure(error, url, timer, request.signal);
    }
    if (!response.ok) throw await readError(response, url, timer, request.signal);
    return response;
  };

  return {
    baseUrl,
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
      const timer = startTimer(timeoutMs);
      try {
        const response = await send(method, path, request, timer);
        if (response.status === 204) return undefined as T;
        const text = await response.text().catch((error: unknown) => {
          throw failure(error, response.url, timer, request.signal);
        });
        if (text === '') return undefined as T;
        try {
          return JSON.parse(text) as T;
        } catch (error) {
          throw new HarmoniaClientError('INTERNAL', `the server at '${baseUrl}' answered ${method} ${path} with something that is not JSON; is the URL a harmonia server?`, {
            status: response.status,
            cause: error,
          });
        }
      } finally {
        timer.clear();
      }
    },
    async open(method: string, path: string, request: RequestOptions = {}): Promise<Response> {
      const timer = startTimer(timeoutMs);
      try {
        return await send(method, path, request, timer);
      } finally {
        // a stream outlives its timeout: only the wait for headers is bounded
        timer.clear();
      }
    },
  };
}

interface Timer {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  clear(): void;
}

function startTimer(ms: number): Timer {
  const controller = new AbortController();
  let timedOut = false;
  // A caller may allow weeks: past setTimeout's ~24.8 days the timer is chained, not fired at once.
  const cancel =
    ms > 0
      ? setLongTimeout(() => {
          timedOut = true;
          controller.abort();
        }, ms)
      : undefined;
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    clear: () => cancel?.(),
  };
}

function failure(error: unknown, url: string, timer: Timer, callerSignal: AbortSignal | undefined): Error {
  if (timer.timedOut) return new TimeoutError(`request to '${url}' timed out; raise timeoutMs if the server is slow`, { cause: error });
  // The caller's own abort is not a server failure: rethrow their reason unchanged.
  if (callerSignal?.aborted) return callerSignal.reason instanceof Error ? callerSignal.reason : (error as Error);
  return errorFromNetwork(url, error);
}

async function readError(response: Response, url: string, timer: Timer, callerSignal: AbortSignal | undefined): Promise<Error> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return failure(error, url, timer, callerSignal);
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  return errorFromResponse(response.status, body, requestId);
}
