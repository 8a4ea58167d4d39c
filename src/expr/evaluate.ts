import type { Expr } from './ast.js';
import { ExprError } from './expr-error.js';
import { failAt, interpret } from './interpret.js';
import type { EvalState } from './interpret.js';
import { resolveExprLimits } from './limits.js';
import type { ExprLimits } from './limits.js';
import { parseTemplate } from './parse-template.js';
import { chargeResult, type ResultBudget } from './result-size.js';
import type { ParsedTemplate } from './parse-template.js';
import { dataEntries, isPlainObject, toPlainData, toText } from './safe-data.js';
import type { Fail } from './safe-data.js';

/** Options for one evaluation. */
export interface EvalOptions {
  /** Overrides of DEFAULT_EXPR_LIMITS. */
  limits?: Partial<ExprLimits>;
  /** The clock behind now(). @default () => new Date() */
  now?: () => Date;
}

/** The values expressions can read: { tasks, input, context, env, param, state, item, item_index }. */
export type Scope = Readonly<Record<string, unknown>>;

const MAX_RENDER_DEPTH = 200;
const TEMPLATE_CACHE_SIZE = 500;
const templateCache = new Map<string, ParsedTemplate>();

function createState(scope: Scope, options: EvalOptions): EvalState {
  return { scope, limits: resolveExprLimits(options.limits), now: options.now ?? (() => new Date()), steps: 0 };
}

// The allowance of the rendering under way; each evaluation outside one gets its own.
let activeBudget: ResultBudget | null = null;

function run(ast: Expr, state: EvalState): unknown {
  try {
    const result = interpret(ast, state);
    // Charged before the copy: copying a value referenced a thousand times is the cost to avoid.
    chargeResult(result, activeBudget ?? { used: 0, limit: state.limits.maxResultSize }, failAt(ast));
    return toPlainData(result, failAt(ast));
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ExprError('EXPR_LIMIT', 'expression nests too deeply to evaluate', ast.start, ast.end, error);
    }
    throw error;
  }
}

/**
 * Evaluates a parsed expression against a scope; the result is fresh plain data.
 * Thrown when evaluation fails: ExprError (EXPR_TYPE, EXPR_REFERENCE, EXPR_LIMIT, EXPR_FORBIDDEN).
 * @example evaluateExpression(parseExpression('input.replicas * 2'), { input: { replicas: 3 } }) // 6
 */
export function evaluateExpression(ast: Expr, scope: Scope, options: EvalOptions = {}): unknown {
  return run(ast, createState(scope, options));
}

/**
 * Evaluates a template: a whole-string `${...}` keeps its value's type; otherwise the parts
 * are joined into a string (objects and arrays as JSON, null and undefined as '').
 */
export function evaluateTemplate(template: ParsedTemplate, scope: Scope, options: EvalOptions = {}): unknown {
  const state = createState(scope, options);
  const [first] = template.parts;
  if (template.whole && first?.kind === 'expr') return run(first.ast, state);
  let out = '';
  for (const part of template.parts) {
    const fail: Fail = part.kind === 'expr' ? failAt(part.ast) : textFail;
    const piece = part.kind === 'text' ? part.text : toText(run(part.ast, state), fail);
    if (out.length + piece.length > state.limits.maxStringLength) {
      fail('EXPR_LIMIT', `the string would exceed ${state.limits.maxStringLength} characters`);
    }
    out += piece;
  }
  return out;
}

/**
 * Renders a value deeply: every string containing `${` is parsed (cached) and evaluated,
 * arrays and objects are copied with their items rendered, other values are copied as data.
 * @example renderValue({ image: '${tasks.build.output.image}' }, scope)
 */
export function renderValue(value: unknown, scope: Scope, options: EvalOptions = {}): unknown {
  // Rendering is synchronous, so one module-level slot holds the budget of the one under way.
  const outer = activeBudget;
  activeBudget ??= { used: 0, limit: resolveExprLimits(options.limits).maxResultSize };
  try {
    return render(value, scope, options, 0);
  } finally {
    activeBudget = outer;
  }
}

function render(value: unknown, scope: Scope, options: EvalOptions, depth: number): unknown {
  if (depth > MAX_RENDER_DEPTH) textFail('EXPR_LIMIT', `value nested deeper than ${MAX_RENDER_DEPTH} levels`);
  if (typeof value === 'string') {
    return value.includes('${') ? evaluateTemplate(cachedTemplate(value, options.limits), scope, options) : value;
  }
  if (Array.isArray(value)) return value.map((item) => render(item, scope, options, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of dataEntries(value, textFail)) {
      const rendered = render(item, scope, options, depth + 1);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return toPlainData(value, textFail);
}

function cachedTemplate(text: string, limits: Partial<ExprLimits> | undefined): ParsedTemplate {
  const key = `${limits === undefined ? '' : JSON.stringify(resolveExprLimits(limits))}\u0000${text}`;
  const hit = templateCache.get(key);
  if (hit !== undefined) return hit;
  const parsed = parseTemplate(text, limits);
  if (templateCache.size >= TEMPLATE_CACHE_SIZE) {
    const oldest = templateCache.keys().next();
    if (oldest.done !== true) templateCache.delete(oldest.value);
  }
  templateCache.set(key, parsed);
  return parsed;
}

// Failures outside any expression (plain data being copied) have no span of their own.
const textFail: Fail = (code, message) => {
  throw new ExprError(code, message, 0, 0);
};
