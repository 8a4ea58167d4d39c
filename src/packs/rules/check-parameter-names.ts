/** PARAMETER_NAME_INVALID: input and parameter names that cannot be keys of a plain object. */
import { joinPointer } from '../../core/source.js';
import { isRecord } from '../normalise-values.js';
import type { Rule, RuleContext } from './rule-context.js';

// Names that JavaScript objects treat specially: `__proto__` would vanish from (or reshape)
// the map of parameters, so the definition would register without it.
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function checkNames(ctx: RuleContext, specs: unknown, base: string, noun: string): void {
  if (!isRecord(specs)) return;
  for (const name of Object.keys(specs)) {
    // a name off the pattern is the schema's to report (SCHEMA_PATTERN)
    if (!RESERVED.has(name)) continue;
    ctx.report(
      {
        code: 'PARAMETER_NAME_INVALID',
        pointer: joinPointer(base, name),
        message: `${noun} name '${name}' is reserved; names must not be __proto__, constructor or prototype`,
        hint: `rename the ${noun}, e.g. '${name.replace(/_/g, '')}_value'`,
      },
      'key',
    );
  }
}

/** Workflow and template `input`, template and action `parameters`. */
export const checkParameterNames: Rule = (ctx) => {
  const raw = ctx.file.raw;
  if (!isRecord(raw)) return;
  switch (ctx.file.loaded.kind) {
    case 'workflow':
      checkNames(ctx, raw['input'], '/input', 'input');
      break;
    case 'template':
      checkNames(ctx, raw['parameters'], '/parameters', 'parameter');
      if (isRecord(raw['workflow'])) checkNames(ctx, raw['workflow']['input'], '/workflow/input', 'input');
      break;
    case 'action':
      checkNames(ctx, raw['parameters'], '/parameters', 'parameter');
      break;
    default:
      break;
  }
};
