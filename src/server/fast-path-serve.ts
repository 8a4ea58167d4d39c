/**
 * What every fast path below Koa does with a request: admit it or hand it on untouched,
 * run it, and hand it on when it did not answer. Shared so the paths cannot drift apart on
 * what a failure does (see status-fast-path.ts, start-fast-path.ts).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export function serveOrHandOn<A>(
  req: IncomingMessage,
  res: ServerResponse,
  fallback: RequestListener,
  admit: () => A | null,
  run: (admitted: A, started: bigint) => Promise<boolean>,
): void {
  const started = process.hrtime.bigint();
  const admitted = admit();
  if (admitted === null) return void fallback(req, res);
  run(admitted, started).then(
    (done) => {
      if (!done) fallback(req, res);
    },
    () => {
      // Before anything was written (a closed store, a contract violation), Koa answers as it
      // would; after it (a closed socket), nothing more can be said.
      if (!res.headersSent) fallback(req, res);
      else res.destroy();
    },
  );
}
