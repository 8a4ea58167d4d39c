/**
 * The one admission rule of REST, SSE and WebSocket requests, in one order: the Host (without
 * tokens, loopback names only), then the token (401 without a valid one, 403 without the
 * scope), then the Origin (403 for a foreign page, on streams and on changes). A foreign page
 * without a token so hears 401 on /ws as on REST: what it lacks first is a token.
 */
import { HarmoniaError } from '../core/errors.js';
import { isLoopbackHostHeader, isOriginAllowed, type Authenticator, type Principal } from './auth.js';

/** Which requests answer to their Origin. */
export type OriginRule =
  /** A stream (SSE, WebSocket): a browser page may open one with a token in its URL. */
  | 'stream'
  /** A change (not GET): a page can make a browser send a body-less POST without a preflight. */
  | 'change'
  | 'none';

export interface AdmitOptions {
  authenticator: Authenticator;
  host: string | undefined;
  origin: string | undefined;
  allowed_origins: readonly string[];
  origin_rule: OriginRule;
  /** Thrown by when the token is missing, unknown or short of the scope (AUTH_REQUIRED, AUTH_FORBIDDEN). */
  authorize: () => Principal;
}

/** The principal of an admitted request. Thrown when it is refused: AUTH_FORBIDDEN, AUTH_REQUIRED. */
export function admitRequest(options: AdmitOptions): Principal {
  const { authenticator, host, origin } = options;
  if (!authenticator.isEnabled() && !isLoopbackHostHeader(host)) {
    throw new HarmoniaError('AUTH_FORBIDDEN', `host '${host ?? ''}' is not a loopback name; without API tokens this server answers requests to localhost or 127.0.0.1 only`);
  }
  const principal = options.authorize();
  if (options.origin_rule !== 'none' && !isOriginAllowed(origin, host, options.allowed_origins)) {
    throw new HarmoniaError(
      'AUTH_FORBIDDEN',
      options.origin_rule === 'stream'
        ? `origin '${origin ?? ''}' is not allowed to open this stream; configure allowed_origins`
        : `origin '${origin ?? ''}' may not change anything here; configure allowed_origins to let its pages call this API`,
    );
  }
  return principal;
}
