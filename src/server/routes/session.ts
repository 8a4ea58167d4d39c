/**
 * GET /session: who the caller's token is and what it may do, so a UI can hide what it may
 * not, and which optional parts the server runs (git), so it does not ask for what is not there.
 */
import type { SessionView } from '../../core/wire.js';
import { defineRoutes } from '../route.js';

/** The session route. */
export function sessionRoutes() {
  return defineRoutes([
    {
      method: 'GET',
      path: '/session',
      base: 'api',
      scope: 'read',
      tag: 'system',
      summary:
        "The caller's principal and scopes; `auth_enabled` is false when the server has no tokens (everyone is admin on loopback); `git` is true when the server follows git sources (otherwise /git/* answers 404).",
      responses: { 200: { description: 'The session.', schema: 'Session' } },
      handler: async (request, services) => {
        // Without tokens every request is the anonymous admin; with tokens no principal is called that.
        const body: SessionView = {
          principal_id: request.principal.id,
          scopes: [...request.principal.scopes],
          auth_enabled: request.principal.id !== 'anonymous',
          git: services.git_sources !== null,
        };
        return { body };
      },
    },
  ]);
}
