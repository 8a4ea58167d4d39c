/**
 * The console's one way to the server: the project's typed client, so the wire types
 * are the server's own. The token lives in sessionStorage (this tab's session only).
 */
import { createClient, type HarmoniaClient } from '../../src/client/index.js';

export type { HarmoniaClient };
export {
  ConflictError,
  ForbiddenError,
  HarmoniaClientError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../src/client/index.js';

const TOKEN_KEY = 'harmonia.token';

/** The token this tab signed in with, if any. */
export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps (or with undefined forgets) the tab's token. */
export function storeToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** A client for the server that served this page. */
export function createConsoleClient(token: string | undefined): HarmoniaClient {
  return createClient({ baseUrl: location.origin, token, timeoutMs: 30_000 });
}
