/**
 * The tree-walking evaluator. It only ever reads own data properties (safe-data.ts),
 * calls functions by name from a Map, and counts every node it visits.
 */
import type { BinaryExpr, Expr } from './ast.js';
import { ExprError } from './expr-error.js';
import type { FunctionContext } from './function-spec.js';
import { findFunction } from './functions.js';
import type { ExprLimits } from './limits.js';
import { EXPR_NAMESPACES } from './namespaces.js';
import { printExpr } from './print-expr.js';
import { assertAllowedName, deepEqual, describeType, isTruthy, readProperty, toText } from './safe-data.js';
import type { Fail } from './safe-data.js';

/** Mutable state of one evaluation: the step budget is shared by all parts of a template. */
export interface EvalState {
  scope: Readonly<Record<string, unknown>>;
  limits: ExprLimits;
  now: () => Date;
  steps: number;
}

/** Builds the error factory for a node; messages quote the node's text. */
export function failAt(node: Expr): Fail {
  return (code, message) => {
    throw new ExprError(code, `${message} in '${printExpr(node)}'`, node.start, node.end);
  };
}

/** Evaluates a node; the result may still reference scope data (callers copy it). */
export function interpret(node: Expr, state: EvalState): unknown {
  state.steps += 1;
  if (state.steps > state.limits.maxSteps) {
    failAt(node)('EXPR_LIMIT', `evaluation took more than ${state.limits.maxSteps} steps`);
  }
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier':
      return readRoot(node.name, state, failAt(node));
    case 'member':
      return readProperty(interpret(node.object, state), node.property, failAt(node));
    case 'index': {
      const target = interpret(node.object, state);
      const key = interpret(node.index, state);
      if (typeof key !== 'string' && typeof key !== 'number') {
        return failAt(node)('EXPR_TYPE', `an index must be a string or a number, got ${describeType(key)}`);
      }
      return readProperty(target, key, failAt(node));
    }
    case 'call': {
      const spec = findFunction(node.name);
      if (spec === undefined) return failAt(node)('EXPR_UNKNOWN_FUNCTION', `unknown function '${node.name}'`);
      const fail = failAt(node);
      // The parser checks arity; this guards trees built by hand.
      if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
        return fail('EXPR_SYNTAX', `wrong number of arguments; use ${spec.signature}`);
      }
      const args = node.args.map((arg) => interpret(arg, state));
      const ctx: FunctionContext = { limits: state.limits, now: state.now, fail: (code, message) => fail(code, `${node.name}(): ${message}`) };
      const result = spec.call(args, ctx);
      chargeSize(result, state, fail);
      return typeof result === 'number' ? finite(result, fail) : result;
    }
    case 'unary': {
      const value = interpret(node.operand, state);
      if (node.operator === '!') return !isTruthy(value);
      const n = expectNumber(value, node.operator, failAt(node));
      return node.operator === '-' ? -n : n;
    }
    case 'binary':
      return interpretBinary(node, state);
    case 'conditional':
      return isTruthy(interpret(node.test, state)) ? interpret(node.consequent, state) : interpret(node.alternate, state);
    case 'array':
      return node.elements.map((element) => interpret(element, state));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        assertAllowedName(entry.key, failAt(node));
        out[entry.key] = interpret(entry.value, state);
      }
      return out;
    }
  }
}

// Big results cost steps too (one per STEP_UNITS characters or items), so the step limit
// also bounds the work of functions like replace() or range() repeated many times.
const STEP_UNITS = 1000;

function chargeSize(value: unknown, state: EvalState, fail: Fail): void {
  const size = typeof value === 'string' || Array.isArray(value) ? value.length : 0;
  if (size < STEP_UNITS) return;
  state.steps += Math.floor(size / STEP_UNITS);
  if (state.steps > state.limits.maxSteps) {
    fail('EXPR_LIMIT', `evaluation took more than ${state.limits.maxSteps} steps (large results count ${STEP_UNITS} characters or items per step)`);
  }
}

function readRoot(name: string, state: EvalState, fail: Fail): unknown {
  assertAllowedName(name, fail);
  if (!EXPR_NAMESPACES.includes(name)) {
    return fail('EXPR_REFERENCE', `unknown name '${name}'; an expression starts with one of ${EXPR_NAMESPACES.join(', ')}`);
  }
  return readProperty(state.scope, name, fail);
}

function expectNumber(value: unknown, operator: string, fail: Fail): number {
  if (typeof value === 'number') return value;
  return fail('EXPR_TYPE', `'${operator}' needs numbers, got ${describeType(value)}; convert with toNumber()`);
}

function interpretBinary(node: BinaryExpr, state: EvalState): unknown {
  const left = interpret(node.left, state);
  if (node.operator === '&&') return isTruthy(left) ? interpret(node.right, state) : left;
  if (node.operator === '||') return isTruthy(left) ? left : interpret(node.right, state);
  const right = interpret(node.right, state);
  const fail = failAt(node);
  switch (node.operator) {
    // A missing value reads as undefined; it equals null, so `x == null` tests for absence.
    case '==':
      return deepEqual(left ?? null, right ?? null);
    case '!=':
      return !deepEqual(left ?? null, right ?? null);
    case '+':
      if (typeof left === 'string' || typeof right === 'string') {
        const text = concat(left, right, state.limits, fail);
        chargeSize(text, state, fail);
        return text;
      }
      return finite(expectNumber(left, '+', fail) + expectNumber(right, '+', fail), fail);
    case '-':
      return finite(expectNumber(left, '-', fail) - expectNumber(right, '-', fail), fail);
    case '*':
      return finite(expectNumber(left, '*', fail) * expectNumber(right, '*', fail), fail);
    case '/':
    case '%': {
      const a = expectNumber(left, node.operator, fail);
      const b = expectNumber(right, node.operator, fail);
      if (b === 0) return fail('EXPR_TYPE', `division by zero`);
      return finite(node.operator === '/' ? a / b : a % b, fail);
    }
    default:
      return compare(node.operator, left, right, fail);
  }
}

function compare(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown, fail: Fail): boolean {
  const bothNumbers = typeof left === 'number' && typeof right === 'number';
  const bothStrings = typeof left === 'string' && typeof right === 'string';
  if (!bothNumbers && !bothStrings) {
    return fail('EXPR_TYPE', `'${operator}' compares two numbers or two strings, got ${describeType(left)} and ${describeType(right)}`);
  }
  const a = left as number | string;
  const b = right as number | string;
  switch (operator) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

function concat(left: unknown, right: unknown, limits: ExprLimits, fail: Fail): string {
  const a = toText(left, fail);
  const b = toText(right, fail);
  if (a.length + b.length > limits.maxStringLength) {
    return fail('EXPR_LIMIT', `the string would be ${a.length + b.length} characters; the limit is ${limits.maxStringLength}`);
  }
  return a + b;
}

function finite(n: number, fail: Fail): number {
  return Number.isFinite(n) ? n : fail('EXPR_TYPE', `the result ${n} is not a finite number`);
}
