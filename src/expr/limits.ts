/** Bounds on expression size and work, so no expression can hang or exhaust memory. */
export interface ExprLimits {
  /** Longest expression source, in characters. @default 4096 */
  maxLength: number;
  /** Deepest syntax tree (nesting of parentheses, operators, calls). @default 64 */
  maxDepth: number;
  /** Most node visits in one evaluation; large results also cost one step per 1000 characters or items. @default 10000 */
  maxSteps: number;
  /** Longest string an expression may produce, in characters. @default 1048576 (1 MiB) */
  maxStringLength: number;
  /** Longest array a function (range, split, flatten, ...) may produce. @default 10000 */
  maxArrayLength: number;
  /**
   * Largest total size of the results of one evaluation or rendering (a task's whole input),
   * in characters of data; a value counts every time it is referenced. @default 2097152 (2 MiB)
   */
  maxResultSize: number;
}

/** The limits used when a caller gives none. */
export const DEFAULT_EXPR_LIMITS: ExprLimits = Object.freeze({
  maxLength: 4096,
  maxDepth: 64,
  maxSteps: 10_000,
  maxStringLength: 1024 * 1024,
  maxArrayLength: 10_000,
  maxResultSize: 2 * 1024 * 1024,
});

/** Fills in defaults for the limits a caller left out. */
export function resolveExprLimits(overrides: Partial<ExprLimits> = {}): ExprLimits {
  return {
    maxLength: overrides.maxLength ?? DEFAULT_EXPR_LIMITS.maxLength,
    maxDepth: overrides.maxDepth ?? DEFAULT_EXPR_LIMITS.maxDepth,
    maxSteps: overrides.maxSteps ?? DEFAULT_EXPR_LIMITS.maxSteps,
    maxStringLength: overrides.maxStringLength ?? DEFAULT_EXPR_LIMITS.maxStringLength,
    maxArrayLength: overrides.maxArrayLength ?? DEFAULT_EXPR_LIMITS.maxArrayLength,
    maxResultSize: overrides.maxResultSize ?? DEFAULT_EXPR_LIMITS.maxResultSize,
  };
}
