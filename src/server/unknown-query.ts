import { HarmoniaError } from '../core/errors.js';

/**
 * Refuses a query parameter the endpoint does not declare: a misspelt `limt=5` would
 * otherwise be ignored and the caller never learn why the page is 50 long. One shape for
 * REST routes, SSE streams and WebSocket handshakes; `operation` names the endpoint
 * (`GET /ws/events`). Thrown: REQUEST_INVALID with `details.parameter` (past 100 characters cut, with `…`) and
 * `details.accepted`.
 */
export function refuseUnknownQuery(operation: string, names: Iterable<string>, accepted: ReadonlySet<string>): void {
  for (const name of names) {
    if (accepted.has(name)) continue;
    const known = [...accepted].sort();
    // The name is the caller's, up to the request line's 16 KiB: quoted whole it made the answer that long.
    const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
    throw new HarmoniaError('REQUEST_INVALID', `unknown query parameter '${shown}' for ${operation}; ${known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes none'}`, {
      details: { parameter: shown, accepted: known },
    });
  }
}
