/** Finds the data references (`tasks.build.output.x`, `input.env`) in an expression tree. */
import type { Expr } from '../../expr/ast.js';
import { escapePointerSegment } from '../../core/source.js';

/** One reference: its root name and the path after it (null for a computed segment). */
export interface ExprRef {
  root: string;
  path: Array<string | null>;
  /** Offsets in the expression source. */
  start: number;
  end: number;
}

function segmentOf(node: Expr): string | null {
  if (node.kind === 'literal' && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  return null;
}

/** Every reference in `expr`, outermost chain first. */
export function collectRefs(expr: Expr): ExprRef[] {
  const refs: ExprRef[] = [];
  const visit = (node: Expr): void => {
    switch (node.kind) {
      case 'identifier':
        refs.push({ root: node.name, path: [], start: node.start, end: node.end });
        return;
      case 'member':
      case 'index': {
        // Flatten the chain down to its root; computed indexes are expressions of their own.
        const path: Array<string | null> = [];
        let current: Expr = node;
        const indexes: Expr[] = [];
        while (current.kind === 'member' || current.kind === 'index') {
          if (current.kind === 'member') path.unshift(current.property);
          else {
            path.unshift(segmentOf(current.index));
            indexes.push(current.index);
          }
          current = current.object;
        }
        if (current.kind === 'identifier') refs.push({ root: current.name, path, start: current.start, end: node.end });
        else visit(current);
        indexes.forEach(visit);
        return;
      }
      case 'call':
        node.args.forEach(visit);
        return;
      case 'unary':
        visit(node.operand);
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'conditional':
        visit(node.test);
        visit(node.consequent);
        visit(node.alternate);
        return;
      case 'array':
        node.elements.forEach(visit);
        return;
      case 'object':
        node.entries.forEach((e) => visit(e.value));
        return;
      case 'literal':
        return;
    }
  };
  visit(expr);
  return refs;
}

/** Every string inside a value, with its JSON pointer. */
export function collectStrings(value: unknown, pointer: string, out: Array<{ text: string; pointer: string }> = []): Array<{ text: string; pointer: string }> {
  if (typeof value === 'string') out.push({ text: value, pointer });
  else if (Array.isArray(value)) value.forEach((v, i) => collectStrings(v, `${pointer}/${i}`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const k of Object.keys(value)) collectStrings((value as Record<string, unknown>)[k], `${pointer}/${escapePointerSegment(k)}`, out);
  }
  return out;
}
