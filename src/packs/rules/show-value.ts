/**
 * How a diagnostic quotes a value written in a pack file. A value given for a parameter
 * declared `secret: true`, or named like a secret (`password`, `api_key`), is hidden even
 * when it is wrong, and so are the values its enum allows: diagnostics reach CI logs,
 * REST answers, pack events and git sync reports. The policy is the engine's
 * (quotableValue), so a pack file and a started execution hide the same values.
 */
import type { ParameterSpec } from '../../core/model.js';
import { isSecretKey, quotableValue } from '../../core/secret-text.js';

/** Whether values of parameter `name` are never shown. */
export function isSecretParameter(name: string, spec: ParameterSpec): boolean {
  return spec.secret === true || isSecretKey(name);
}

/** `'text'`, `5`, `{"a":1}`; `**REDACTED**` for a secret parameter. */
export function showValue(name: string, value: unknown, spec: ParameterSpec): string {
  const shown = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return quotableValue(name, shown, spec.secret === true);
}

/** The enum listed in a message: `a, b`; only its size for a secret parameter. */
export function showAllowed(name: string, spec: ParameterSpec, allowed: readonly unknown[]): string {
  if (isSecretParameter(name, spec)) return `one of its ${allowed.length} declared values (not shown: the parameter is secret)`;
  return allowed.map((v) => String(v)).join(', ');
}
