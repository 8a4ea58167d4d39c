/** The template parameters a workflow body reads as `${param.<name>}`. */
import { findParamRefs, splitExpressions } from './scan-expressions.js';

function collect(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (!value.includes('${')) return;
    for (const part of splitExpressions(value)) {
      if (part.kind === 'expr') for (const ref of findParamRefs(part.body)) into.add(ref.name);
    }
    return;
  }
  // Indexed and for-in walks: no array of values per object and no iterator result per
  // item (an engine's start walks the whole body: a million strings in a layered DAG's).
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) collect(value[index], into);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.hasOwn(record, key)) collect(record[key], into);
  }
}

/**
 * The names of the `${param.*}` a workflow body reads, sorted. A workflow that reads any is
 * the body of a template to be: it registers, but runs only once instantiated, when every
 * `${param.*}` has been replaced by a value.
 */
export function paramsReadBy(body: unknown): string[] {
  const names = new Set<string>();
  collect(body, names);
  return [...names].sort();
}
