import type { Authenticator, RouteScope } from './auth.js';

/**
 * Whether `token` is still accepted for `scope`: a long-lived stream was authorized once,
 * when it opened, so it asks again as it goes and ends once its token was revoked or
 * expired (or lost the scope). True when the server has no tokens at all.
 */
export function stillAuthorized(authenticator: Authenticator, token: string | undefined, scope: RouteScope): boolean {
  if (!authenticator.isEnabled()) return true;
  try {
    authenticator.authorize(token, scope);
    return true;
  } catch {
    return false;
  }
}
