/** INPUT_DEFAULT_INVALID: a default must have its declared type and be in its enum. */
import type { ParameterSpec } from '../../core/model.js';
import { joinPointer } from '../../core/source.js';
import { isRecord } from '../normalise-values.js';
import type { Rule, RuleContext } from './rule-context.js';
import { showAllowed, showValue } from './show-value.js';

/** Whether `value` has the declared type (integers count as numbers). */
export function matchesType(value: unknown, type: ParameterSpec['type']): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function checkSpecs(ctx: RuleContext, specs: Record<string, ParameterSpec>, base: string, noun: string): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (!('default' in spec)) continue;
    const pointer = joinPointer(base, name, 'default');
    const value = spec.default;
    if (spec.type !== undefined && !matchesType(value, spec.type)) {
      ctx.report({
        code: 'INPUT_DEFAULT_INVALID',
        pointer,
        message: `default of ${noun} '${name}' is ${showValue(name, value, spec)}, which is not of type ${spec.type}`,
        hint: `give a default of type ${spec.type}, or change the type`,
      });
    }
    if (spec.enum && !spec.enum.some((allowed) => sameValue(allowed, value))) {
      ctx.report({
        code: 'INPUT_DEFAULT_INVALID',
        pointer,
        message: `default of ${noun} '${name}' is ${showValue(name, value, spec)}, which is not one of the allowed values: ${showAllowed(name, spec, spec.enum)}`,
        hint: 'use one of the enum values as the default, or add it to the enum',
      });
    }
  }
}

/** Workflow inputs, template parameters (and their workflow's inputs), action parameters. */
export const checkDefaults: Rule = (ctx) => {
  const { file } = ctx;
  const kind = file.loaded.kind;
  const body = file.body;
  if (!body) return;
  if (kind === 'workflow' && 'tasks' in body) checkSpecs(ctx, body.input, '/input', 'input');
  if (kind === 'template' && 'workflow' in body) {
    checkSpecs(ctx, body.parameters, '/parameters', 'parameter');
    if (body.workflow.input) checkSpecs(ctx, body.workflow.input, '/workflow/input', 'input');
  }
  if (kind === 'action' && 'runner' in body) checkSpecs(ctx, body.parameters, '/parameters', 'parameter');
};
