import { MASK, SECRET_KEY_PATTERN, redactUrls } from '../core/secret-text.js';

/** Keys whose values are never shown: logs, events and API responses. */
export { SECRET_KEY_PATTERN, MASK };

const EXPRESSION_ONLY = /^\s*\$\{[^}]*\}\s*$/;
// Deeper than any real payload. Past it nothing is copied or shown: returning the
// value as it is would show whatever secrets it holds further down.
const MAX_DEPTH = 64;

/**
 * Returns a deep copy of `value` in which the value of every key matching
 * SECRET_KEY_PATTERN is replaced by MASK, and every string has the passwords of
 * `scheme://user:password@` URLs and secret query parameters masked. A value that
 * is only an expression (`${env.API_TOKEN}`) is kept: it names where a secret comes
 * from, not the secret.
 */
export function maskSecrets<T>(value: T): T {
  return maskValue(value, 0) as T;
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactUrls(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (!isPlainObject(value)) return value;
  // A null prototype, so a key named `__proto__` stays an ordinary key of the copy.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEY_PATTERN.test(key) && inner !== null && inner !== undefined && !isExpression(inner) && !isTokenCount(key, inner)) {
      out[key] = MASK;
    } else {
      out[key] = maskValue(inner, depth + 1);
    }
  }
  return out;
}

// `prompt_tokens: 12`, `max_tokens: 256` (language-model usage and limits) count tokens; they hold none.
function isTokenCount(key: string, value: unknown): boolean {
  return typeof value === 'number' && /_tokens$/i.test(key);
}

function isExpression(value: unknown): boolean {
  return typeof value === 'string' && EXPRESSION_ONLY.test(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Masks `token=` (and other secret) query parameters and URL passwords so stream URLs never reach a log. */
export function maskUrl(url: string): string {
  return redactUrls(url.replace(/([?&](?:access_)?token=)[^&#]*/gi, `$1${MASK}`));
}
