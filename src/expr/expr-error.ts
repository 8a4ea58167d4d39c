import { HarmoniaError } from '../core/errors.js';

/** The codes an ExprError can carry. */
export type ExprErrorCode =
  | 'EXPR_SYNTAX'
  | 'EXPR_REFERENCE'
  | 'EXPR_TYPE'
  | 'EXPR_LIMIT'
  | 'EXPR_FORBIDDEN'
  | 'EXPR_UNKNOWN_FUNCTION';

/**
 * Thrown when an expression cannot be parsed or evaluated.
 *
 * `start`/`end` are offsets into the template string when thrown by parseTemplate,
 * otherwise into the expression source.
 */
export class ExprError extends HarmoniaError {
  declare readonly code: ExprErrorCode;
  readonly start: number;
  readonly end: number;

  constructor(code: ExprErrorCode, message: string, start: number, end: number, cause?: unknown) {
    super(code, message, { details: { start, end }, cause });
    this.name = 'ExprError';
    this.start = start;
    this.end = end;
  }

  /** The same error with its offsets moved by `delta` (expression source → template). */
  shift(delta: number): ExprError {
    return new ExprError(this.code, this.message, this.start + delta, this.end + delta, this);
  }
}

/** Narrows an unknown thrown value to an ExprError. */
export function isExprError(value: unknown): value is ExprError {
  return value instanceof ExprError;
}
