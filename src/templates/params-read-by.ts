/** The template parameters a workflow body reads as `${param.<name>}`. */
import { findParamRefs, splitExpressions } from './scan-expressions.js';
import { hasOwn } from '../core/has-own.js';

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
    for (const key in record) if (hasOwn(record, key)) collect(record[key], into);
  }
}

/** How much of a body paramsReadBy must read. */
export interface ParamsReadOptions {
  /**
   * Every `depends_on` entry of `body.tasks` is the id of one of those tasks (buildPlan
   * found each). The walk then skips the depends_on lists: an entry's references are its
   * task id's, which the walk reads. A layered DAG's body is a million such strings.
   */
  upstreamsAreIds?: boolean;
}

/**
 * The names of the `${param.*}` a workflow body reads, sorted. A workflow that reads any is
 * the body of a template to be: it registers, but runs only once instantiated, when every
 * `${param.*}` has been replaced by a value.
 */
export function paramsReadBy(body: unknown, options: ParamsReadOptions = {}): string[] {
  const names = new Set<string>();
  const tasks = options.upstreamsAreIds === true && typeof body === 'object' && body !== null ? (body as { tasks?: unknown }).tasks : undefined;
  if (Array.isArray(tasks)) {
    const record = body as Record<string, unknown>;
    for (const key in record) if (key !== 'tasks' && hasOwn(record, key)) collect(record[key], names);
    for (let index = 0; index < tasks.length; index += 1) {
      const task: unknown = tasks[index];
      if (typeof task !== 'object' || task === null || Array.isArray(task)) {
        collect(task, names);
        continue;
      }
      const fields = task as Record<string, unknown>;
      for (const key in fields) if (key !== 'depends_on' && hasOwn(fields, key)) collect(fields[key], names);
    }
  } else collect(body, names);
  return [...names].sort();
}
