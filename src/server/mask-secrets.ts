/** Keys whose values are never shown: logs, events and API responses. */
export const SECRET_KEY_PATTERN = /password|passwd|token|api[_-]?key|secret|credential/i;

/** What a masked value is replaced with. */
export const MASK = '**REDACTED**';

const EXPRESSION_ONLY = /^\s*\$\{[^}]*\}\s*$/;

/**
 * Returns a deep copy of `value` in which the value of every key matching
 * SECRET_KEY_PATTERN is replaced by MASK. A value that is only an expression
 * (`${env.API_TOKEN}`) is kept: it names where a secret comes from, not the secret.
 */
export function maskSecrets<T>(value: T): T {
  return maskValue(value, 0) as T;
}

function maskValue(value: unknown, depth: number): unknown {
  // Deeper than any real payload: stop copying rather than risk a stack overflow.
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEY_PATTERN.test(key) && inner !== null && inner !== undefined && !isExpression(inner)) {
      out[key] = MASK;
    } else {
      out[key] = maskValue(inner, depth + 1);
    }
  }
  return out;
}

function isExpression(value: unknown): boolean {
  return typeof value === 'string' && EXPRESSION_ONLY.test(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Masks `token=` query parameters in a URL so browser stream URLs never reach a log. */
export function maskUrl(url: string): string {
  return url.replace(/([?&](?:access_)?token=)[^&#]*/gi, `$1${MASK}`);
}
