import { HarmoniaError } from '../core/errors.js';

/**
 * Refuses a query parameter the endpoint does not declare: a misspelt `limt=5` would
 * otherwise be ignored and the caller never learn why the page is 50 long. One shape for
 * REST routes, SSE streams and WebSocket handshakes; `operation` names the endpoint
 * (`GET /ws/events`). Thrown: REQUEST_INVALID with `details.parameter` and `details.accepted`.
 */
export function refuseUnknownQuery(operation: string, names: Iterable<string>, accepted: ReadonlySet<string>): void {
  for (const name of names) {
    if (accepted.has(name)) continue;
    const known = [...accepted].sort();
    throw new HarmoniaError('REQUEST_INVALID', `unknown query parameter '${name}' for ${operation}; ${known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes none'}`, {
      details: { parameter: name, accepted: known },
    });
  }
}
