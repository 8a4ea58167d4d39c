/**
 * The node:http request listener: the status fast path first (status-fast-path.ts), Koa
 * for everything it does not answer.
 */
import type Koa from 'koa';
import { createStatusFastPath, type RequestHandler, type StatusFastPath } from './status-fast-path.js';

/**
 * The listener for `http.createServer`; `fast` is given by a test that counts what the fast
 * path answered.
 * @example
 * const server = createServer(createRequestListener(createApp(deps)));
 */
export function createRequestListener(app: Koa, fast: StatusFastPath = createStatusFastPath(app)): RequestHandler {
  const koa = app.callback();
  return (req, res) => fast.serve(req, res, koa);
}
