/** Defensive readers for values that the schema may have rejected (rules still run). */
import type { ParameterSpec } from '../core/model.js';

/** True for a plain mapping. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a finite number. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The strings of a list (other items dropped). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The value when it is a mapping, else an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);

/** A map of parameter specs (workflow input, template or action parameters). */
export function parameterSpecs(value: unknown): Record<string, ParameterSpec> {
  const out: Record<string, ParameterSpec> = {};
  for (const [name, raw] of Object.entries(record(value))) {
    const spec: ParameterSpec = {};
    const r = record(raw);
    const type = str(r['type']);
    if (type !== undefined && TYPES.has(type)) spec.type = type as ParameterSpec['type'];
    if (typeof r['required'] === 'boolean') spec.required = r['required'];
    if ('default' in r) spec.default = r['default'];
    if (Array.isArray(r['enum'])) spec.enum = r['enum'];
    const description = str(r['description']);
    if (description !== undefined) spec.description = description;
    if (r['secret'] === true) spec.secret = true;
    out[name] = spec;
  }
  return out;
}
