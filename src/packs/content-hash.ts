import { createHash } from 'node:crypto';
import { HarmoniaError } from '../core/errors.js';

/**
 * JSON with object keys sorted at every depth, so two bodies that differ only in key
 * order (or in YAML formatting and comments) serialise to the same text. Properties
 * whose value is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new HarmoniaError('INTERNAL', `cannot hash the number '${value}'; expected a finite number`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .flatMap((key) => {
        const item = (value as Record<string, unknown>)[key];
        return item === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(item)}`];
      });
    return `{${entries.join(',')}}`;
  }
  throw new HarmoniaError('INTERNAL', `cannot hash a value of type '${typeof value}'; expected JSON data`);
}

/** sha256 (hex) of the canonical JSON of a normalised definition body. */
export function contentHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
