/**
 * The node:http request listener: the status fast path first (status-fast-path.ts), then
 * the start fast path (start-fast-path.ts), Koa for everything they do not answer.
 */
import type Koa from 'koa';
import { createStartFastPath, type StartFastPath } from './start-fast-path.js';
import { createStatusFastPath, type RequestHandler, type StatusFastPath } from './status-fast-path.js';

/**
 * The listener for `http.createServer`; `fast` and `start` are given by tests that count
 * what the fast paths answered.
 * @example
 * const server = createServer(createRequestListener(createApp(deps)));
 */
export function createRequestListener(app: Koa, fast: StatusFastPath = createStatusFastPath(app), start: StartFastPath = createStartFastPath(app)): RequestHandler {
  const koa = app.callback();
  const afterStatus: RequestHandler = (req, res) => start.serve(req, res, koa);
  return (req, res) => fast.serve(req, res, afterStatus);
}
