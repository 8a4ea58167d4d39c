/**
 * Who may call what. Tokens come from HARMONIA_API_TOKENS (`token` = admin,
 * `token:read+write`) and from the token file the CLI manages (hashes only).
 * Scopes nest: admin can do everything write can, write everything read can.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { HarmoniaError } from '../core/errors.js';
import { checkStoredToken, SCOPES, type Scope, type StoredToken } from './tokens.js';

/**
 * What a route requires; `public` routes (health, the API description) need no token,
 * and `webhook` routes are authenticated by the sender's signature instead of a bearer
 * token (no bearer token ever satisfies them).
 */
export type RouteScope = Scope | 'public' | 'webhook';

/** A token given in configuration (HARMONIA_API_TOKENS), in clear. */
export interface ConfiguredToken {
  token: string;
  scopes: Scope[];
}

/** Who made a request. */
export interface Principal {
  /** `env:<n>` for configured tokens, the stored id for file tokens, `anonymous` when auth is off. */
  id: string;
  scopes: Scope[];
  /** The token file's label, another name core.approval's `approvers` may list. */
  label?: string;
}

/** `approve` ranks below read: it satisfies only the approval routes (which write and admin pass too). */
const RANK: Record<Scope, number> = { approve: 0, trigger: 0, read: 1, write: 2, admin: 3 };

/**
 * Parses HARMONIA_API_TOKENS: comma-separated entries, each `token` (admin) or
 * `token:scope+scope`. Throws CONFIG_INVALID naming the bad entry.
 */
export function parseApiTokens(text: string): ConfiguredToken[] {
  const out: ConfiguredToken[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    if (colon === -1) {
      out.push({ token: entry, scopes: ['admin'] });
      continue;
    }
    const token = entry.slice(0, colon);
    const scopes = entry.slice(colon + 1).split('+').map((s) => s.trim());
    if (token === '') throw new HarmoniaError('CONFIG_INVALID', `HARMONIA_API_TOKENS entry has an empty token before ':'`);
    for (const scope of scopes) {
      if (!(SCOPES as readonly string[]).includes(scope)) {
        throw new HarmoniaError(
          'CONFIG_INVALID',
          `HARMONIA_API_TOKENS entry has unknown scope '${scope}'; use read, write, admin, approve or trigger joined by '+'`,
        );
      }
    }
    out.push({ token, scopes: scopes as Scope[] });
  }
  return out;
}

/** True when a principal's scopes satisfy what a route requires. */
export function hasScope(principal: Principal, required: RouteScope): boolean {
  if (required === 'public') return true;
  if (required === 'webhook') return false;
  // The approval routes' gate: any scope a core.approval may require (the engine checks the task's own).
  if (required === 'approve' || required === 'trigger') return principal.scopes.some((s) => s === required || s === 'write' || s === 'admin');
  return principal.scopes.some((s) => RANK[s] >= RANK[required]);
}

export interface AuthenticatorOptions {
  tokens: readonly ConfiguredToken[];
  /** Reads the token file's entries (cached by the caller); absent = no token file. */
  readStoredTokens?: () => readonly StoredToken[];
  /** @default () => new Date() */
  now?: () => Date;
}

export interface Authenticator {
  /** False when no token is configured at all: every request is treated as admin (loopback only). */
  isEnabled(): boolean;
  /** Resolves the principal of a bearer token; throws AUTH_REQUIRED when missing, unknown, revoked or expired. */
  authenticate(token: string | undefined): Principal;
  /** authenticate + scope check; throws AUTH_FORBIDDEN when the scope is missing. */
  authorize(token: string | undefined, required: RouteScope): Principal;
}

const ANONYMOUS: Principal = { id: 'anonymous', scopes: ['admin'] };

/** Builds the authenticator the HTTP, WebSocket and SSE handshakes share. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const now = options.now ?? (() => new Date());
  const configured = options.tokens.map((t, index) => ({ ...t, id: `env:${index + 1}`, bytes: Buffer.from(t.token) }));
  const stored = (): readonly StoredToken[] => options.readStoredTokens?.() ?? [];
  const isEnabled = (): boolean => configured.length > 0 || stored().length > 0;

  const authenticate = (token: string | undefined): Principal => {
    if (!isEnabled()) return ANONYMOUS;
    if (token === undefined || token === '') {
      throw new HarmoniaError('AUTH_REQUIRED', 'missing bearer token; send Authorization: Bearer <token>');
    }
    const given = Buffer.from(token);
    for (const entry of configured) {
      if (entry.bytes.length === given.length && timingSafeEqual(entry.bytes, given)) {
        return { id: entry.id, scopes: entry.scopes };
      }
    }
    const check = checkStoredToken(stored(), token, now());
    switch (check.kind) {
      case 'valid':
        return check.record.label === null ? { id: check.record.id, scopes: check.record.scopes } : { id: check.record.id, scopes: check.record.scopes, label: check.record.label };
      case 'expired':
        throw new HarmoniaError('AUTH_REQUIRED', `token '${check.record.id}' expired at ${check.record.expires_at ?? ''}`);
      case 'revoked':
        throw new HarmoniaError('AUTH_REQUIRED', `token '${check.record.id}' was revoked`);
      case 'unknown':
        throw new HarmoniaError('AUTH_REQUIRED', 'invalid bearer token');
    }
  };

  return {
    isEnabled,
    authenticate,
    authorize(token, required) {
      if (required === 'public') return ANONYMOUS;
      if (required === 'webhook') {
        throw new HarmoniaError('AUTH_REQUIRED', 'this route is authenticated by a webhook signature, not a bearer token');
      }
      const principal = authenticate(token);
      if (!hasScope(principal, required)) {
        throw new HarmoniaError(
          'AUTH_FORBIDDEN',
          `token '${principal.id}' has scopes [${principal.scopes.join(', ')}]; this needs '${required}'`,
          { details: { required_scope: required } },
        );
      }
      return principal;
    },
  };
}

/** Reads a bearer token from an Authorization header value. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/**
 * Whether a request's Host header names this machine by a loopback name. Without
 * tokens the API answers only such requests: a page on another site can point its own
 * DNS name at 127.0.0.1 (DNS rebinding) and read the API through the browser, but its
 * requests then carry that foreign name in Host.
 */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined || hostHeader === '') return false;
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.replace(/:\d+$/, '');
  return isLoopbackHost(host);
}

/**
 * Refuses to expose an unauthenticated API beyond this machine.
 * Thrown (CONFIG_INVALID) when no token is configured and `host` is not loopback.
 */
export function assertSafeBind(host: string, authenticator: Authenticator): void {
  if (authenticator.isEnabled() || isLoopbackHost(host)) return;
  throw new HarmoniaError(
    'CONFIG_INVALID',
    `refusing to listen on '${host}' without API tokens; set HARMONIA_API_TOKENS or run 'harmonia token create', or bind 127.0.0.1`,
  );
}

/**
 * Checks a browser's Origin on a stream handshake: no Origin (not a browser),
 * the server's own origin, or one of the configured origins.
 */
export function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  if (hostHeader === undefined) return false;
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`;
}
