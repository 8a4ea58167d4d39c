/**
 * The expression syntax tree.
 *
 * Every node carries `start` and `end`: offsets into the expression source (the text
 * between `${` and `}`), `end` exclusive. Calls name a function from the fixed list by
 * a plain string, never by an expression, so nothing can call a value.
 */

interface Span {
  start: number;
  end: number;
}

/** `1`, `'text'`, `true`, `null`. */
export interface LiteralExpr extends Span {
  kind: 'literal';
  value: string | number | boolean | null;
}

/** A root name: `tasks`, `input`, `item`, ... */
export interface IdentifierExpr extends Span {
  kind: 'identifier';
  name: string;
}

/** `object.property`. */
export interface MemberExpr extends Span {
  kind: 'member';
  object: Expr;
  property: string;
}

/** `object[index]`. */
export interface IndexExpr extends Span {
  kind: 'index';
  object: Expr;
  index: Expr;
}

/** `name(args)` where `name` is one of EXPR_FUNCTIONS. */
export interface CallExpr extends Span {
  kind: 'call';
  name: string;
  args: Expr[];
}

export type UnaryOperator = '!' | '-' | '+';

/** `!a`, `-a`, `+a`. */
export interface UnaryExpr extends Span {
  kind: 'unary';
  operator: UnaryOperator;
  operand: Expr;
}

export type BinaryOperator =
  | '*' | '/' | '%' | '+' | '-'
  | '<' | '<=' | '>' | '>='
  | '==' | '!='
  | '&&' | '||';

/** `a op b`; `&&` and `||` short-circuit. */
export interface BinaryExpr extends Span {
  kind: 'binary';
  operator: BinaryOperator;
  left: Expr;
  right: Expr;
}

/** `test ? consequent : alternate`. */
export interface ConditionalExpr extends Span {
  kind: 'conditional';
  test: Expr;
  consequent: Expr;
  alternate: Expr;
}

/** `[a, b]`. */
export interface ArrayExpr extends Span {
  kind: 'array';
  elements: Expr[];
}

/** One `key: value` of an object literal. */
export interface ObjectEntry extends Span {
  key: string;
  value: Expr;
}

/** `{a: 1, 'b': 2}`. */
export interface ObjectExpr extends Span {
  kind: 'object';
  entries: ObjectEntry[];
}

/** Any expression node, discriminated by `kind`. */
export type Expr =
  | LiteralExpr
  | IdentifierExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ArrayExpr
  | ObjectExpr;
