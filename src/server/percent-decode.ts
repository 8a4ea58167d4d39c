/**
 * Percent-decoding of what a request's URL carries, strict: a malformed escape (`%ff`,
 * `%E0%A4%A`, a lone `%`) is the caller's mistake and refused with 400 REQUEST_INVALID on
 * every route and stream alike, rather than kept as sent (a 404 echoing it) or read as
 * U+FFFD (a silently different value).
 */
import { HarmoniaError } from '../core/errors.js';

/** Characters of a segment or value an error quotes. */
const MAX_QUOTED = 100;

function quoted(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** The decoded text, or null when an escape in it is malformed. */
export function tryDecode(text: string): string | null {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Thrown for a path segment (as sent) whose escapes are not percent-encoded UTF-8. */
export function malformedSegment(segment: string): HarmoniaError {
  return new HarmoniaError('REQUEST_INVALID', `path segment '${quoted(segment)}' is not valid percent-encoded UTF-8; encode it with encodeURIComponent`, {
    details: { segment: quoted(segment), segment_length: segment.length },
  });
}

/** A percent-decoded path segment. Thrown when an escape is malformed: REQUEST_INVALID. */
export function decodePathSegment(segment: string): string {
  const decoded = tryDecode(segment);
  if (decoded === null) throw malformedSegment(segment);
  return decoded;
}

/**
 * Checks a raw query string (without `?`): every name and value percent-decodes as UTF-8.
 * Only a query holding `%` has anything to check (one `includes` otherwise).
 * Thrown: REQUEST_INVALID with `details.parameter`.
 */
export function checkQueryEscapes(query: string): void {
  if (!query.includes('%')) return;
  for (const pair of query.split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = tryDecode(rawName.replaceAll('+', ' '));
    if (name === null) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter name '${quoted(rawName)}' is not valid percent-encoded UTF-8; encode it with encodeURIComponent`, {
        details: { parameter: quoted(rawName) },
      });
    }
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    if (tryDecode(rawValue.replaceAll('+', ' ')) === null) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter '${quoted(name)}' has a value that is not valid percent-encoded UTF-8 ('${quoted(rawValue)}'); encode it with encodeURIComponent`, {
        details: { parameter: name },
      });
    }
  }
}

/**
 * Refuses a parameter given more than once in a parsed query (a name whose value is a list).
 * Every query parameter of this API takes one value, so `limit=1&limit=2` is refused naming
 * it rather than one of them chosen silently. Thrown: REQUEST_INVALID with `details.parameter`.
 */
export function refuseRepeats(query: Record<string, string | readonly string[] | undefined>): void {
  for (const name in query) {
    if (typeof query[name] === 'string') continue;
    throw new HarmoniaError('REQUEST_INVALID', `query parameter '${quoted(name)}' is given more than once; it takes one value`, { details: { parameter: name } });
  }
}

/** The query of a URL as Koa's `ctx.query` has it: a name given twice holds a list. */
export function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const had = out[name];
    out[name] = had === undefined ? value : typeof had === 'string' ? [had, value] : [...had, value];
  }
  return out;
}
