/**
 * Published expression-sandbox escapes, rewritten into Harmonia's `${...}` syntax where they
 * apply. Each must end in an ExprError (or harmless data), never reach process, globalThis
 * or Object.prototype, and never hang.
 */
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { evaluateTemplate, renderValue } from '../../../src/expr/evaluate.js';
import type { Scope } from '../../../src/expr/evaluate.js';
import { ExprError } from '../../../src/expr/expr-error.js';
import type { ExprErrorCode } from '../../../src/expr/expr-error.js';
import { parseTemplate } from '../../../src/expr/parse-template.js';

const BIG = 'a'.repeat(600 * 1024);

const baseScope = (): Scope => ({
  input: { name: 'x', key: 'constructor', proto: '__proto__', list: [1, 2], obj: { a: 1 }, big: BIG },
  env: {},
  tasks: { build: { output: { image: 'app' } } },
});

function outcome(template: string, scope: Scope = baseScope()): { error?: ExprError; value?: unknown } {
  try {
    return { value: evaluateTemplate(parseTemplate(template), scope) };
  } catch (error) {
    if (error instanceof ExprError) return { error };
    throw error;
  }
}

function expectRefused(template: string, code: ExprErrorCode, scope?: Scope): void {
  const result = outcome(template, scope);
  expect(result.error?.code, `${template} → ${String(result.value)}`).toBe(code);
}

let prototypeNames: string[] = [];
beforeAll(() => {
  prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterAll(() => {
  // Nothing may have been written onto the shared prototypes.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect((globalThis as Record<string, unknown>).polluted).toBeUndefined();
});

describe('n8n CVE-2025-68613 (expression injection RCE) and its bypasses', () => {
  // CVE-2025-68613: reach Function through an object literal's constructor chain.
  it('refuses {}.constructor.constructor(...)()', () => {
    expectRefused("${ {}.constructor.constructor('return process')() }", 'EXPR_FORBIDDEN');
  });

  // CVE-2025-68613: the evaluation context's `this` leaked the host process.
  it('has no `this` to reach process through', () => {
    expectRefused('${ this.process.env }', 'EXPR_REFERENCE');
    expectRefused("${ this.process.mainModule.require('child_process') }", 'EXPR_SYNTAX');
  });

  // CVE-2025-68613: helpers such as $jmespath exposed host globals; we have no `$` names.
  it('refuses $-prefixed helper names', () => {
    expectRefused("${ $jmespath({}, 'a') }", 'EXPR_SYNTAX');
  });

  // CVE-2025-68613 / CVE-2026-1470: direct reach for globals.
  it('refuses global names such as process, globalThis and require', () => {
    expectRefused('${ process.env.HOME }', 'EXPR_REFERENCE');
    expectRefused('${ globalThis.process }', 'EXPR_REFERENCE');
    expectRefused('${ global.process }', 'EXPR_REFERENCE');
    expectRefused("${ require('child_process') }", 'EXPR_UNKNOWN_FUNCTION');
  });

  // CVE-2026-1470 (bypass of the CVE-2025-68613 fix): function literals and template strings.
  it('has no arrow functions or template literals', () => {
    expectRefused('${ (() => 1)() }', 'EXPR_SYNTAX');
    expectRefused('${ `x${1}` }', 'EXPR_SYNTAX');
  });

  // CVE-2025-68613 follow-ups: prototype pollution through __proto__ keys.
  it('refuses __proto__ keys in object literals', () => {
    expectRefused("${ {'__proto__': {polluted: true}} }", 'EXPR_FORBIDDEN');
    expectRefused('${ {__proto__: {polluted: true}} }', 'EXPR_FORBIDDEN');
  });

  it('refuses __proto__ keys arriving through fromJSON and merge', () => {
    expectRefused('${ merge({}, fromJSON(\'{"__proto__": {"polluted": true}}\')) }', 'EXPR_FORBIDDEN');
    expectRefused('${ fromJSON(\'{"constructor": {"prototype": {"polluted": true}}}\') }', 'EXPR_FORBIDDEN');
  });
});

describe('expr-eval CVE-2025-12735 (GHSA-jc85-fpwf-qm7x): calling functions from the context', () => {
  const scopeWithFunctions = (): Scope => ({ input: { write: () => 'pwned', nested: { exec: () => 'pwned' } } });

  // silentmatt/expr-eval#289: `test.write("pwned.txt", "Hello!")` called a member function.
  it('has no method-call syntax', () => {
    expectRefused("${ input.write('pwned.txt', 'x') }", 'EXPR_SYNTAX', scopeWithFunctions());
  });

  it('refuses to read a function out of the scope', () => {
    expectRefused('${ input.nested.exec }', 'EXPR_FORBIDDEN', scopeWithFunctions());
  });

  it('calls only library functions, never scope values by name', () => {
    expectRefused("${ exec('id') }", 'EXPR_UNKNOWN_FUNCTION', scopeWithFunctions());
  });

  it('refuses a scope holding functions when it is interpolated or returned whole', () => {
    expectRefused('${ input }', 'EXPR_FORBIDDEN', scopeWithFunctions());
    expectRefused('v=${ input.nested }', 'EXPR_FORBIDDEN', scopeWithFunctions());
  });
});

describe('expression-eval (huntr 2021, donmccurdy/expression-eval#53): (1).constructor.constructor', () => {
  it('refuses constructor on a number literal', () => {
    expectRefused("${ (1).constructor.constructor('return process')() }", 'EXPR_FORBIDDEN');
  });
});

describe('jexl prototype access (TomFrost/Jexl#92, #142)', () => {
  // Jexl#92: `"".toLowerCase["__proto__"]` reached Function.prototype.
  it('refuses __proto__ in brackets', () => {
    expectRefused("${ ''.toLowerCase['__proto__'] }", 'EXPR_FORBIDDEN');
  });

  it('reads inherited methods as undefined, not functions', () => {
    expect(outcome("${ ''.toLowerCase }").value).toBeUndefined();
    expect(outcome('${ input.obj.hasOwnProperty }').value).toBeUndefined();
  });

  // Jexl#142: bracket notation skipped the dot-notation blocklist.
  it('refuses constructor and prototype in brackets as in dots', () => {
    expectRefused("${ input['constructor']['prototype'] }", 'EXPR_FORBIDDEN');
    expectRefused("${ input.list['constructor'] }", 'EXPR_FORBIDDEN');
  });

  it('refuses forbidden names computed at runtime', () => {
    expectRefused("${ input['__pro' + 'to__'].polluted }", 'EXPR_FORBIDDEN');
    expectRefused("${ input[lower('CONSTRUCTOR')] }", 'EXPR_FORBIDDEN');
    expectRefused('${ input[input.key] }', 'EXPR_FORBIDDEN');
    expectRefused('${ input.obj[input.proto] }', 'EXPR_FORBIDDEN');
  });
});

describe('static-eval breakouts (npm advisory 758, browserify/static-eval#32, GHSA-2c5f-9x6g-wxgr)', () => {
  // static-eval#32: ({})['__proto__']['__defineGetter__']('toString', ({})['constructor']).
  it('refuses __defineGetter__ through __proto__', () => {
    expectRefused("${ ({})['__proto__']['__defineGetter__']('toString', ({})['constructor']) }", 'EXPR_FORBIDDEN');
  });

  // GHSA-2c5f-9x6g-wxgr: an array key coerced to 'constructor' passed the name check.
  it('refuses keys that are not strings or numbers instead of coercing them', () => {
    expectRefused("${ input[['constructor']] }", 'EXPR_TYPE');
    expectRefused("${ input[{toString: 'constructor'}] }", 'EXPR_TYPE');
  });

  it('refuses __lookupGetter__ and __defineSetter__', () => {
    expectRefused("${ input.__lookupGetter__ }", 'EXPR_FORBIDDEN');
    expectRefused("${ input['__defineSetter__'] }", 'EXPR_FORBIDDEN');
  });
});

describe('safe-eval breakouts (CVE-2017-16088, hacksparrow/safe-eval#32-#38)', () => {
  // CVE-2017-16088: this.constructor.constructor('return process')().
  it('refuses this.constructor.constructor', () => {
    expectRefused("${ this.constructor.constructor('return process')() }", 'EXPR_FORBIDDEN');
  });

  // safe-eval#38: hasOwnProperty.constructor('return process')().
  it('has no global hasOwnProperty, valueOf or __defineGetter__ to call', () => {
    expectRefused('${ hasOwnProperty }', 'EXPR_REFERENCE');
    expectRefused('${ valueOf() }', 'EXPR_UNKNOWN_FUNCTION');
    expectRefused("${ __defineGetter__('x') }", 'EXPR_UNKNOWN_FUNCTION');
    expectRefused('${ propertyIsEnumerable.call() }', 'EXPR_SYNTAX');
  });

  // safe-eval#28: `ret.__proto__.polluted = ...`; we have no assignment at all.
  it('has no assignment', () => {
    expectRefused("${ input.obj.polluted = 'x' }", 'EXPR_SYNTAX');
    expectRefused('${ input.__proto__.polluted }', 'EXPR_FORBIDDEN');
  });
});

describe('vm2-style escapes (CVE-2023-37466, CVE-2021-23449)', () => {
  it('refuses the classic this.constructor.constructor chain', () => {
    expectRefused("${ this.constructor.constructor('return process')().mainModule }", 'EXPR_FORBIDDEN');
  });

  // CVE-2021-23449: import('x').catch(...)['constructor'].
  it('has no dynamic import', () => {
    expectRefused("${ import('x') }", 'EXPR_UNKNOWN_FUNCTION');
  });
});

describe('getter, valueOf and toString tricks', () => {
  it('never runs a getter in the scope', () => {
    let calls = 0;
    const obj = Object.defineProperty({}, 'secret', { enumerable: true, get: () => (calls += 1) });
    expectRefused('${ input.obj.secret }', 'EXPR_FORBIDDEN', { input: { obj } });
    expectRefused('${ input.obj }', 'EXPR_FORBIDDEN', { input: { obj } });
    expectRefused('${ keys(input.obj) }', 'EXPR_FORBIDDEN', { input: { obj } });
    expect(outcome('${ input.obj == {secret: 1} }', { input: { obj } }).value).toBe(false);
    expect(calls).toBe(0);
  });

  it('never calls valueOf, toString or toJSON of scope data', () => {
    let calls = 0;
    const hostile = { valueOf: () => ++calls, toString: () => String(++calls), toJSON: () => ++calls };
    const scope = { input: { obj: hostile } };
    expectRefused('${ input.obj < 1 }', 'EXPR_TYPE', scope);
    expectRefused('${ input.obj * 2 }', 'EXPR_TYPE', scope);
    expectRefused("${ 'x' + input.obj }", 'EXPR_FORBIDDEN', scope);
    expectRefused('${ toJSON(input.obj) }', 'EXPR_FORBIDDEN', scope);
    expectRefused('${ toString(input.obj) }', 'EXPR_FORBIDDEN', scope);
    expect(calls).toBe(0);
  });

  it('refuses class instances in the scope', () => {
    class Secret {
      token = 's3cret';
    }
    expectRefused('${ input.obj.token }', 'EXPR_FORBIDDEN', { input: { obj: new Secret() } });
  });

  it('returns plain data whose prototype is the ordinary one', () => {
    const value = outcome('${ merge(input.obj, {b: 2}) }').value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual({ a: 1, b: 2 });
  });

  it('refuses __proto__ keys in values handed to renderValue', () => {
    const poisoned = JSON.parse('{"a": {"__proto__": {"polluted": true}}}') as unknown;
    expect(() => renderValue(poisoned, baseScope())).toThrow(ExprError);
  });

  it('refuses sort and pick by forbidden keys', () => {
    expectRefused("${ sort([{a: 1}], '__proto__') }", 'EXPR_FORBIDDEN');
    expect(outcome("${ pick(input.obj, '__proto__') }").value).toEqual({});
  });
});

describe('resource exhaustion: huge ranges, deep nesting, string growth', () => {
  it('refuses a huge range at once', () => {
    expectRefused('${ range(1000000000) }', 'EXPR_LIMIT');
    expectRefused('${ range(-1000000000, 1000000000) }', 'EXPR_LIMIT');
  });

  it('refuses deeply nested parentheses, brackets and unary chains', () => {
    expectRefused(`\${ ${'('.repeat(2000)}1${')'.repeat(2000)} }`, 'EXPR_LIMIT');
    expectRefused(`\${ ${'['.repeat(1500)}${']'.repeat(1500)} }`, 'EXPR_LIMIT');
    expectRefused(`\${ ${'-'.repeat(3000)}1 }`, 'EXPR_LIMIT');
  });

  it('refuses expressions longer than the limit', () => {
    expectRefused(`\${ ${'1 + '.repeat(5000)}1 }`, 'EXPR_LIMIT');
  });

  it('refuses doubling a string past 1 MiB', () => {
    expectRefused('${ input.big + input.big }', 'EXPR_LIMIT');
    expectRefused("${ replace(input.big, 'a', 'aa') }", 'EXPR_LIMIT');
    expectRefused('${ join(range(10000), input.big) }', 'EXPR_LIMIT');
    expectRefused("${ format('{0}{0}', input.big) }", 'EXPR_LIMIT');
    expectRefused('${ toJSON([input.big, input.big]) }', 'EXPR_LIMIT');
    expectRefused('${input.big}${input.big}', 'EXPR_LIMIT');
  });

  it('refuses splitting into more parts than the array limit', () => {
    expectRefused("${ split(input.big, '') }", 'EXPR_LIMIT');
  });

  it('refuses flattening past the array limit', () => {
    expectRefused('${ flatten([range(10000), range(10000)]) }', 'EXPR_LIMIT');
  });

  it('refuses deeply nested JSON', () => {
    expectRefused(`\${ fromJSON('${'['.repeat(5000)}${']'.repeat(5000)}') }`, 'EXPR_LIMIT');
  });

  it('stops a wide expression at the step limit', () => {
    const wide = Array.from({ length: 60 }, () => 'length(range(10000))').join(', ');
    const template = parseTemplate(`\${ [${wide}] }`);
    expect(() => evaluateTemplate(template, baseScope(), { limits: { maxSteps: 50 } })).toThrow(
      expect.objectContaining({ code: 'EXPR_LIMIT' }),
    );
  });
});

describe('resource exhaustion: repeated heavy work', () => {
  it('counts large results against the step limit', () => {
    const heavy = Array.from({ length: 20 }, () => "length(replace(input.big, 'a', 'b'))").join(' + ');
    expectRefused(`\${ ${heavy} }`, 'EXPR_LIMIT');
  });
});
