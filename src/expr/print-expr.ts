import type { Expr } from './ast.js';

const MAX_QUOTE = 80;

/** Source-like text of a node, for error messages; long text is cut with '...'. */
export function printExpr(node: Expr): string {
  const text = print(node, 0);
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 3)}...` : text;
}

// The depth cap keeps printing cheap on any tree; messages only need the start.
function print(node: Expr, depth: number): string {
  if (depth > 12) return '...';
  const p = (n: Expr): string => print(n, depth + 1);
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? quote(node.value) : String(node.value);
    case 'identifier':
      return node.name;
    case 'member':
      return `${p(node.object)}.${node.property}`;
    case 'index':
      return `${p(node.object)}[${p(node.index)}]`;
    case 'call':
      return `${node.name}(${node.args.map(p).join(', ')})`;
    case 'unary':
      return `${node.operator}${p(node.operand)}`;
    case 'binary':
      return `${wrap(node.left, p)} ${node.operator} ${wrap(node.right, p)}`;
    case 'conditional':
      return `${wrap(node.test, p)} ? ${p(node.consequent)} : ${p(node.alternate)}`;
    case 'array':
      return `[${node.elements.map(p).join(', ')}]`;
    case 'object':
      return `{${node.entries.map((e) => `${quote(e.key)}: ${p(e.value)}`).join(', ')}}`;
  }
}

function wrap(node: Expr, p: (n: Expr) => string): string {
  return node.kind === 'binary' || node.kind === 'conditional' ? `(${p(node)})` : p(node);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
