/**
 * The route table compiled for dispatch: one lookup per request, by method and segment
 * count, then a few string comparisons. It replaces three @koa/router instances, which
 * tested every route's regular expression and composed a middleware chain per request
 * (about a tenth of a status read's CPU). Matching keeps what those routers did:
 * static segments ignore ASCII case, one trailing slash is optional, `:name` matches one
 * non-empty segment and is URI-decoded (a malformed escape is reported in `malformed` for
 * the caller to refuse), a GET route also answers HEAD, and the first route in table order
 * wins.
 */
import { tryDecode } from './percent-decode.js';

/** A route as the table matches it: a full path (`/api/executions/:id`) and its methods. */
export interface TableEntry<T> {
  method: string;
  path: string;
  value: T;
}

/** A matched route with its decoded path parameters. */
export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
  /** The first parameter segment (as sent) whose percent escapes are malformed; its param holds it undecoded. */
  malformed?: string;
}

export interface RouteTable<T> {
  /** The first route matching `method` and `path` (the raw request path), or null. */
  match(method: string, path: string): RouteMatch<T> | null;
}

interface Compiled<T> {
  /** Lower-cased static text, or null for a parameter. */
  statics: Array<string | null>;
  names: string[];
  value: T;
}

/** Compiles the entries; their order is their precedence. */
export function createRouteTable<T>(entries: ReadonlyArray<TableEntry<T>>): RouteTable<T> {
  const buckets = new Map<string, Array<Compiled<T>>>();
  const add = (method: string, compiled: Compiled<T>): void => {
    const key = `${method} ${compiled.statics.length}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(compiled);
    else buckets.set(key, [compiled]);
  };
  for (const entry of entries) {
    const segments = splitPath(entry.path);
    const compiled: Compiled<T> = {
      statics: segments.map((s) => (s.startsWith(':') ? null : s.toLowerCase())),
      names: segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1)),
      value: entry.value,
    };
    add(entry.method, compiled);
    if (entry.method === 'GET') add('HEAD', compiled);
  }

  return {
    match(method, path) {
      if (path.charCodeAt(0) !== 47 /* / */) return null;
      const segments = splitPath(path);
      const bucket = buckets.get(`${method} ${segments.length}`);
      if (bucket === undefined) return null;
      for (const route of bucket) {
        if (!matches(route, segments)) continue;
        const params: Record<string, string> = {};
        let malformed: string | undefined;
        let n = 0;
        for (let i = 0; i < segments.length; i += 1) {
          if (route.statics[i] !== null) continue;
          const segment = segments[i] as string;
          const decoded = tryDecode(segment);
          if (decoded === null) malformed ??= segment;
          params[route.names[n++] as string] = decoded ?? segment;
        }
        return malformed === undefined ? { value: route.value, params } : { value: route.value, params, malformed };
      }
      return null;
    },
  };
}

function matches<T>(route: Compiled<T>, segments: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i += 1) {
    const expected = route.statics[i];
    const actual = segments[i] as string;
    if (expected === null) {
      if (actual === '') return false;
    } else if (expected !== actual && expected !== actual.toLowerCase()) {
      return false;
    }
  }
  return true;
}

/** `/a/b/` → ['a', 'b'] (one trailing slash is optional); `/` → []. */
function splitPath(path: string): string[] {
  const end = path.length > 1 && path.endsWith('/') ? path.length - 1 : path.length;
  const trimmed = path.slice(1, end);
  return trimmed === '' ? [] : trimmed.split('/');
}
