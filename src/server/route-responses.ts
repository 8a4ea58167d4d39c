/**
 * Every answer an operation can give: what its RouteDef declares, plus the error answers
 * the dispatcher and the middlewares give any route of its kind. The OpenAPI document
 * publishes this and the response contract check (validate_responses) enforces it, so the
 * two cannot drift apart.
 */
import type { ResponseDef, RouteDef } from './route.js';

const error = (description: string): ResponseDef => ({ description, schema: 'Error' });

/** True when the route's path has a `:name` segment (a lookup that can miss). */
function hasPathParams(route: RouteDef): boolean {
  return route.path.includes('/:');
}

/**
 * The route's declared responses by status, its own first: the route's description of a
 * status wins over the generic one.
 */
export function routeResponses(route: RouteDef): Record<number, ResponseDef> {
  const out: Record<number, ResponseDef> = { ...route.responses };
  const add = (status: number, response: ResponseDef): void => {
    out[status] ??= response;
  };
  const ok = route.responses[200];
  // conditional-get.ts answers a GET whose If-None-Match names the body's ETag with no body
  if (route.method === 'GET' && ok !== undefined && route.stream === undefined) add(304, { description: 'Not modified: If-None-Match names the current ETag (no body).' });
  // the dispatcher refuses unknown query parameters and a body on a route that takes none
  add(400, error('The query, the path or the body does not match this operation (the message names what).'));
  if (route.scope === 'webhook') add(401, error('Missing or wrong webhook signature.'));
  else if (route.scope !== 'public') add(401, error('Missing, invalid or expired token.'));
  add(403, error(route.scope === 'public' ? 'Without API tokens the server answers loopback host names only.' : 'The token lacks the scope, or the host or origin is not allowed.'));
  if (hasPathParams(route)) add(404, error('Nothing has that id or name.'));
  add(413, error('The request body is larger than the server accepts.'));
  add(415, error('The request body has a media type this operation does not accept.'));
  add(500, error('An unexpected failure (the message names the request id), or a response the contract check refused.'));
  add(503, error('The store cannot be reached.'));
  return out;
}
