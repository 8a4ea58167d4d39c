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
 * Checks a raw query string (without `?`): every name and value percent-decodes as UTF-8,
 * and no parameter is given twice. Every query parameter of this API takes one value, so a
 * repeat (`limit=1&limit=2`) is refused naming it, rather than one of them chosen silently.
 * Thrown: REQUEST_INVALID with `details.parameter`.
 */
export function checkQueryText(query: string): void {
  if (query === '') return;
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const name = tryDecode(rawName.replaceAll('+', ' '));
    if (name === null) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter name '${quoted(rawName)}' is not valid percent-encoded UTF-8; encode it with encodeURIComponent`, {
        details: { parameter: quoted(rawName) },
      });
    }
    if (tryDecode(rawValue.replaceAll('+', ' ')) === null) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter '${quoted(name)}' has a value that is not valid percent-encoded UTF-8 ('${quoted(rawValue)}'); encode it with encodeURIComponent`, {
        details: { parameter: name },
      });
    }
    if (seen.has(name)) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter '${quoted(name)}' is given more than once; it takes one value`, { details: { parameter: name } });
    }
    seen.add(name);
  }
}
