/**
 * What every fast path below Koa shares with the others: which paths it may route itself,
 * the caller as Koa's Host rule and token check see it, and what it does with a request —
 * admit it or hand it on untouched, run it, hand it on when it did not answer. Shared so the
 * paths cannot drift apart (see status-fast-path.ts, start-fast-path.ts).
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SecretMasker } from '../core/secret-masker.js';
import { bearerFrom, isLoopbackHostHeader, type Authenticator, type Principal, type RouteScope } from './auth.js';

/**
 * A path Koa's `ctx.path` gives back unchanged: no query, fragment, space or backslash, not
 * `//` (which parseurl reads as a host).
 */
export const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;

/** Request headers that change no answer of either fast path (a client's or a browser's own). */
export const INERT_HEADERS = [
  'accept',
  'accept-language',
  'user-agent',
  'connection',
  'keep-alive',
  'cache-control',
  'pragma',
  'referer',
  'dnt',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
];

/**
 * The caller as the Koa path's Host rule and token check see it; null when Koa would refuse
 * the request (it answers the 400, 401 or 403 itself).
 */
export function principalAsKoa(authenticator: Authenticator, secrets: SecretMasker, headers: IncomingHttpHeaders, scope: RouteScope): Principal | null {
  if (!authenticator.isEnabled() && !isLoopbackHostHeader(headers.host || undefined)) return null;
  const bearer = bearerFrom(headers.authorization || undefined);
  let principal: Principal;
  try {
    principal = authenticator.authorize(bearer, scope);
  } catch {
    return null;
  }
  // As the Koa path does: a token file holds only hashes, so a token is learnt when used.
  if (bearer !== undefined && authenticator.isEnabled()) secrets.add([bearer]);
  return principal;
}

export function serveOrHandOn<A>(
  req: IncomingMessage,
  res: ServerResponse,
  fallback: RequestListener,
  admit: (req: IncomingMessage) => A | null,
  run: (req: IncomingMessage, res: ServerResponse, admitted: A, started: bigint) => boolean | Promise<boolean>,
): void {
  const started = process.hrtime.bigint();
  const admitted = admit(req);
  if (admitted === null) return void fallback(req, res);
  let ran: boolean | Promise<boolean>;
  try {
    ran = run(req, res, admitted, started);
  } catch {
    return failed(req, res, fallback);
  }
  // Answered (or not) at once: no promise, the answer written in the request's own turn.
  if (typeof ran === 'boolean') {
    if (!ran) fallback(req, res);
    return;
  }
  ran.then(
    (done) => {
      if (!done) fallback(req, res);
    },
    () => failed(req, res, fallback),
  );
}

function failed(req: IncomingMessage, res: ServerResponse, fallback: RequestListener): void {
  // Before anything was written (a closed store, a contract violation), Koa answers as it
  // would; after it (a closed socket), nothing more can be said.
  if (!res.headersSent) fallback(req, res);
  else res.destroy();
}
