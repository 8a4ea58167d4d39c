import type { TaskResult } from '../core/model.js';
import { redactUrls } from '../core/secret-text.js';
import type { ActionContext, ActionHandler } from './action.js';
import type { HostLookup, HttpPolicy } from './address-guard.js';
import { guardedFetch } from './guarded-fetch.js';
import { errorResult, isPlainObject, successResult } from './task-result.js';

/** What core.http needs from the composition root. */
export interface HttpActionOptions {
  policy: HttpPolicy;
  lookup?: HostLookup;
}

const METHOD = /^[A-Z]+$/;

type Request = { method: string; url: string; headers: Record<string, string>; body?: string; timeout_ms?: number };

function readRequest(input: Record<string, unknown>): Request | string {
  const method = (input.method ?? 'GET') as unknown;
  if (typeof method !== 'string' || !METHOD.test(method.toUpperCase())) return `'method' must be an HTTP method such as GET or POST`;
  if (typeof input.url !== 'string') return `'url' must be a string such as 'https://example.com/'`;
  const headers: Record<string, string> = {};
  if (input.headers !== undefined) {
    if (!isPlainObject(input.headers)) return `'headers' must be an object of names to strings`;
    for (const [name, value] of Object.entries(input.headers)) {
      if (typeof value !== 'string' && typeof value !== 'number') return `header '${name}' must be a string`;
      headers[name.toLowerCase()] = String(value);
    }
  }
  let body: string | undefined;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined && input.body !== null) {
    body = JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  const upper = method.toUpperCase();
  if (body !== undefined && (upper === 'GET' || upper === 'HEAD')) return `a ${upper} request cannot have a 'body'; use POST or PUT`;
  const timeout = input.timeout_ms;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    return `'timeout_ms' must be a positive number of milliseconds`;
  }
  return {
    method: upper,
    url: input.url,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(timeout === undefined ? {} : { timeout_ms: timeout }),
  };
}

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/**
 * `core.http`: one HTTP request → `{status, headers, body}` (body parsed when the response
 * is JSON). 5xx and 429 are retriable HTTP_ERROR failures; other statuses are output
 * for the workflow to branch on.
 */
export function createHttpAction(options: HttpActionOptions): ActionHandler {
  return {
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      const request = readRequest(input);
      if (typeof request === 'string') return errorResult('ACTION_INPUT_INVALID', request, false);
      const what = `${request.method} ${redactUrls(request.url)}`;
      const started = Date.now();
      ctx.log?.('system', `${what}`);
      const response = await guardedFetch({
        ...request,
        signal: ctx.signal,
        max_bytes: ctx.max_output_bytes,
        policy: options.policy,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        what: `${request.method} '${redactUrls(request.url)}'`,
      });
      if (!response.ok) {
        ctx.log?.('system', `${what} failed after ${Date.now() - started} ms: ${response.result.status === 'error' ? response.result.error_message : 'no answer'}`);
        return response.result;
      }
      ctx.log?.('system', `${what} answered ${response.status} in ${Date.now() - started} ms, ${Buffer.byteLength(response.text)} bytes`);
      if (input.log_body === true) {
        // The task log stores it a line an entry (a CRLF body's \r dropped, as a script's).
        ctx.log?.('stdout', response.text);
      }
      let body: unknown = response.text;
      if (isJsonType(response.headers['content-type']) && response.text !== '') {
        try {
          body = JSON.parse(response.text);
        } catch {
          // A server that mislabels its body: hand over the text rather than fail.
        }
      }
      if (response.status >= 500 || response.status === 429) {
        const snippet = response.text.slice(0, 500);
        return errorResult(
          'HTTP_ERROR',
          `${request.method} '${redactUrls(request.url)}' answered ${response.status}${snippet ? `: ${snippet}` : ''}`,
          true,
        );
      }
      return successResult({ status: response.status, headers: response.headers, body });
    },
  };
}
