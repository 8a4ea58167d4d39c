import type { Expr } from './ast.js';

/** One use of a root name: `tasks.build.output.x` → { namespace: 'tasks', path: ['build', 'output', 'x'] }. */
export interface Reference {
  namespace: string;
  /** Literal member and index steps after the root; stops at the first computed index. */
  path: string[];
  /** Offsets into the expression source, covering the root and the path. */
  start: number;
  end: number;
}

/**
 * Lists every root-name use in an expression, in source order, including unknown roots
 * (`foo.bar` → namespace 'foo'), for the validator to check.
 * @example collectReferences(parseExpression("tasks['build'].status")) // [{ namespace: 'tasks', path: ['build', 'status'], ... }]
 */
export function collectReferences(ast: Expr): Reference[] {
  const out: Reference[] = [];
  visit(ast, out);
  return out.sort((a, b) => a.start - b.start);
}

function visit(node: Expr, out: Reference[]): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'identifier':
      out.push({ namespace: node.name, path: [], start: node.start, end: node.end });
      return;
    case 'member':
    case 'index':
      visitChain(node, out);
      return;
    case 'call':
      node.args.forEach((arg) => visit(arg, out));
      return;
    case 'unary':
      visit(node.operand, out);
      return;
    case 'binary':
      visit(node.left, out);
      visit(node.right, out);
      return;
    case 'conditional':
      visit(node.test, out);
      visit(node.consequent, out);
      visit(node.alternate, out);
      return;
    case 'array':
      node.elements.forEach((element) => visit(element, out));
      return;
    case 'object':
      node.entries.forEach((entry) => visit(entry.value, out));
      return;
  }
}

// Unwinds `a.b[c].d` to its base, then reads literal steps forwards from the root.
function visitChain(node: Expr, out: Reference[]): void {
  const chain: Expr[] = [];
  let base: Expr = node;
  while (base.kind === 'member' || base.kind === 'index') {
    chain.unshift(base);
    base = base.object;
  }
  if (base.kind !== 'identifier') {
    visit(base, out);
  } else {
    const ref: Reference = { namespace: base.name, path: [], start: base.start, end: base.end };
    for (const step of chain) {
      const key = stepKey(step);
      if (key === undefined) break;
      ref.path.push(key);
      ref.end = step.end;
    }
    out.push(ref);
  }
  for (const step of chain) if (step.kind === 'index') visit(step.index, out);
}

function stepKey(step: Expr): string | undefined {
  if (step.kind === 'member') return step.property;
  if (step.kind === 'index' && step.index.kind === 'literal') {
    const value = step.index.value;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}
