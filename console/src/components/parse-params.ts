/** The run and instantiate forms' text fields to typed values, checked against the declared specs. */
import type { ParameterSpec } from '../../../src/core/model.js';

export type Raw = Record<string, string | boolean>;

export function initialRaw(specs: Record<string, ParameterSpec>): Raw {
  const raw: Raw = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type === 'boolean') raw[name] = spec.default === true;
    else if (spec.default === undefined) raw[name] = '';
    else raw[name] = spec.type === 'object' || spec.type === 'array' ? JSON.stringify(spec.default, null, 2) : String(spec.default);
  }
  return raw;
}

/** Turns the fields' text into typed values; returns the errors by field instead when any is wrong. */
export function parseParams(specs: Record<string, ParameterSpec>, raw: Raw): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw[name];
    if (typeof given === 'boolean') {
      values[name] = given;
      continue;
    }
    const text = (given ?? '').trim();
    if (text === '') {
      if (spec.required === true && spec.default === undefined) errors[name] = 'required';
      continue;
    }
    let value: unknown = text;
    if (spec.enum !== undefined && spec.enum.length > 0) {
      value = spec.enum.find((option) => String(option) === text);
      if (value === undefined) errors[name] = `one of ${spec.enum.map(String).join(', ')}`;
    } else if (spec.type === 'integer' || spec.type === 'number') {
      value = Number(text);
      if (!Number.isFinite(value as number)) errors[name] = 'a number';
      else if (spec.type === 'integer' && !Number.isInteger(value)) errors[name] = 'a whole number';
    } else if (spec.type === 'object' || spec.type === 'array') {
      try {
        value = JSON.parse(text) as unknown;
        const isArray = Array.isArray(value);
        if (spec.type === 'array' ? !isArray : isArray || typeof value !== 'object' || value === null) errors[name] = `a JSON ${spec.type}`;
      } catch {
        errors[name] = `valid JSON (${spec.type})`;
      }
    }
    if (errors[name] === undefined) values[name] = value;
  }
  return { values, errors };
}

