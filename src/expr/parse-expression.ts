import type { BinaryOperator, Expr, ObjectEntry, UnaryOperator } from './ast.js';
import { ExprError } from './expr-error.js';
import { EXPR_FUNCTIONS, findFunction } from './functions.js';
import { resolveExprLimits } from './limits.js';
import type { ExprLimits } from './limits.js';
import { FORBIDDEN_NAMES } from './safe-data.js';
import { tokenize } from './tokenize.js';
import type { Token } from './tokenize.js';

// Lowest precedence first; `?:` sits below all of them.
const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

const KEYWORDS: ReadonlyMap<string, boolean | null> = new Map([['true', true], ['false', false], ['null', null]]);

/**
 * Parses one expression (the text between `${` and `}`) into a syntax tree.
 * Thrown when invalid: ExprError with offsets into `source`.
 * @example parseExpression("tasks.build.output.image + ':' + input.tag")
 */
export function parseExpression(source: string, limits?: Partial<ExprLimits>): Expr {
  const resolved = resolveExprLimits(limits);
  if (source.length > resolved.maxLength) {
    throw new ExprError(
      'EXPR_LIMIT',
      `expression is ${source.length} characters long; the limit is ${resolved.maxLength}`,
      0,
      source.length,
    );
  }
  try {
    return new Parser(tokenize(source), resolved.maxDepth).parseAll();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ExprError('EXPR_LIMIT', 'expression nests too deeply', 0, source.length, error);
    }
    throw error;
  }
}

class Parser {
  private pos = 0;
  private nesting = 0;
  // A Map, not a WeakMap: it dies with the parser, and a WeakMap's entries are work for
  // the garbage collector (validating 25k tasks parsed 50k expressions).
  private readonly depths = new Map<Expr, number>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  parseAll(): Expr {
    if (this.peek().kind === 'eof') {
      throw new ExprError('EXPR_SYNTAX', 'empty expression; write a value such as input.name', 0, 0);
    }
    const expr = this.parseNested();
    const next = this.peek();
    if (next.kind !== 'eof') this.unexpected(next, 'an operator or the end of the expression');
    return expr;
  }

  private peek(): Token {
    // The token list always ends with eof, and pos never moves past it.
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos += 1;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string, context: string): Token {
    if (!this.isPunct(text)) this.unexpected(this.peek(), `'${text}' ${context}`);
    return this.next();
  }

  private unexpected(token: Token, expected: string): never {
    const what = token.kind === 'eof' ? 'end of expression' : `'${token.kind === 'string' ? 'string' : token.text}'`;
    throw new ExprError('EXPR_SYNTAX', `unexpected ${what} at offset ${token.start}; expected ${expected}`, token.start, Math.max(token.end, token.start + 1));
  }

  /** Records a node's tree depth, refusing trees deeper than the limit. */
  private make<T extends Expr>(node: T, ...children: Expr[]): T {
    let deepest = 0;
    for (const child of children) deepest = Math.max(deepest, this.depths.get(child) ?? 1);
    const depth = 1 + deepest;
    if (depth > this.maxDepth) this.tooDeep(node.start, node.end);
    this.depths.set(node, depth);
    return node;
  }

  private tooDeep(start: number, end: number): never {
    throw new ExprError('EXPR_LIMIT', `expression nests deeper than ${this.maxDepth} levels; split it up`, start, end);
  }

  /** A full sub-expression inside brackets, arguments or branches. */
  private parseNested(): Expr {
    this.nesting += 1;
    if (this.nesting > this.maxDepth) this.tooDeep(this.peek().start, this.peek().end);
    const expr = this.parseConditional();
    this.nesting -= 1;
    return expr;
  }

  private parseConditional(): Expr {
    const test = this.parseBinary(0);
    if (!this.isPunct('?')) return test;
    this.next();
    const consequent = this.parseNested();
    this.expectPunct(':', "after the '?' branch");
    const alternate = this.parseNested();
    return this.make({ kind: 'conditional', test, consequent, alternate, start: test.start, end: alternate.end }, test, consequent, alternate);
  }

  private parseBinary(level: number): Expr {
    const operators = BINARY_LEVELS[level];
    if (operators === undefined) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const token = this.peek();
      const operator = operators.find((op) => token.kind === 'punct' && token.text === op);
      if (operator === undefined) return left;
      this.next();
      const right = this.parseBinary(level + 1);
      left = this.make({ kind: 'binary', operator, left, right, start: left.start, end: right.end }, left, right);
    }
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && (token.text === '!' || token.text === '-' || token.text === '+')) {
      this.next();
      this.nesting += 1;
      if (this.nesting > this.maxDepth) this.tooDeep(token.start, token.end);
      const operand = this.parseUnary();
      this.nesting -= 1;
      const operator = token.text as UnaryOperator;
      return this.make({ kind: 'unary', operator, operand, start: token.start, end: operand.end }, operand);
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'identifier') this.unexpected(name, "a property name after '.'");
        this.refuseName(name.text, name.start, name.end);
        expr = this.make({ kind: 'member', object: expr, property: name.text, start: expr.start, end: name.end }, expr);
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.parseNested();
        if (index.kind === 'literal' && typeof index.value === 'string') this.refuseName(index.value, index.start, index.end);
        const close = this.expectPunct(']', 'to close the index');
        expr = this.make({ kind: 'index', object: expr, index, start: expr.start, end: close.end }, expr, index);
      } else if (this.isPunct('(')) {
        const token = this.peek();
        throw new ExprError(
          'EXPR_SYNTAX',
          `only library functions can be called, by name, e.g. length(x); calling the result of an expression at offset ${token.start} is not allowed`,
          expr.start,
          token.end,
        );
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return this.make({ kind: 'literal', value: token.value ?? Number(token.text), start: token.start, end: token.end });
      case 'string':
        return this.make({ kind: 'literal', value: token.text, start: token.start, end: token.end });
      case 'identifier':
        return this.parseName(token);
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseNested();
          this.expectPunct(')', "to close '('");
          return inner;
        }
        if (token.text === '[') return this.parseArray(token);
        if (token.text === '{') return this.parseObject(token);
        return this.unexpected(token, 'a value');
      default:
        return this.unexpected(token, 'a value');
    }
  }

  private parseName(token: Token): Expr {
    const keyword = KEYWORDS.get(token.text);
    if (keyword !== undefined) return this.make({ kind: 'literal', value: keyword, start: token.start, end: token.end });
    if (!this.isPunct('(')) {
      this.refuseName(token.text, token.start, token.end);
      return this.make({ kind: 'identifier', name: token.text, start: token.start, end: token.end });
    }
    const spec = findFunction(token.text);
    if (spec === undefined) {
      throw new ExprError(
        'EXPR_UNKNOWN_FUNCTION',
        `unknown function '${token.text}'; known functions: ${EXPR_FUNCTIONS.join(', ')}`,
        token.start,
        token.end,
      );
    }
    this.next();
    const args = this.parseList(')');
    const close = this.expectPunct(')', 'to close the argument list');
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const wanted = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new ExprError(
        'EXPR_SYNTAX',
        `${token.text}() takes ${wanted} argument(s), got ${args.length}; use ${spec.signature}`,
        token.start,
        close.end,
      );
    }
    return this.make({ kind: 'call', name: token.text, args, start: token.start, end: close.end }, ...args);
  }

  private parseList(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.isPunct(close)) {
      items.push(this.parseNested());
      if (!this.isPunct(',')) break;
      this.next();
    }
    return items;
  }

  private parseArray(open: Token): Expr {
    const elements = this.parseList(']');
    const close = this.expectPunct(']', 'to close the array');
    return this.make({ kind: 'array', elements, start: open.start, end: close.end }, ...elements);
  }

  private parseObject(open: Token): Expr {
    const entries: ObjectEntry[] = [];
    while (!this.isPunct('}')) {
      const keyToken = this.next();
      if (keyToken.kind !== 'identifier' && keyToken.kind !== 'string' && keyToken.kind !== 'number') {
        this.unexpected(keyToken, 'a key (a name or a quoted string)');
      }
      const key = keyToken.kind === 'number' ? String(keyToken.value) : keyToken.text;
      this.refuseName(key, keyToken.start, keyToken.end);
      this.expectPunct(':', 'after the key');
      const value = this.parseNested();
      entries.push({ key, value, start: keyToken.start, end: value.end });
      if (!this.isPunct(',')) break;
      this.next();
    }
    const close = this.expectPunct('}', 'to close the object');
    return this.make({ kind: 'object', entries, start: open.start, end: close.end }, ...entries.map((e) => e.value));
  }

  private refuseName(name: string, start: number, end: number): void {
    if (FORBIDDEN_NAMES.has(name)) {
      throw new ExprError('EXPR_FORBIDDEN', `access to '${name}' is not allowed; expressions read data properties only`, start, end);
    }
  }
}
