import { hasOwn } from '../core/has-own.js';

/** Deepest nesting a task's output may have; the expression evaluator reads no deeper than 200. */
export const MAX_OUTPUT_DEPTH = 200;

/**
 * Why a task's output cannot be recorded, or null when it can: nested deeper than
 * `maxDepth`, or holding a cycle. Checked without recursion, because the JSON
 * serialisation, masking and copying that follow all recurse and would overflow
 * the stack on such a value (a remote service decides how deep its JSON is).
 */
export function outputShapeProblem(value: unknown, maxDepth: number = MAX_OUTPUT_DEPTH): string | null {
  if (value === null || typeof value !== 'object') return null;
  // Most outputs are one flat object or array: no cycle and no depth to track.
  if (maxDepth >= 1 && isFlat(value)) return null;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  const open = new Set<object>();
  const exits: Array<{ at: number; object: object }> = [];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; depth: number };
    // leave the objects whose children are all visited: a repeated reference is only a cycle on its own path
    while (exits.length > 0 && (exits[exits.length - 1] as { at: number }).at > stack.length) {
      open.delete((exits.pop() as { object: object }).object);
    }
    const current = top.value;
    if (current === null || typeof current !== 'object') continue;
    if (top.depth >= maxDepth) return `nests deeper than ${maxDepth} levels`;
    if (open.has(current)) return 'holds a reference to itself (a cycle)';
    open.add(current);
    exits.push({ at: stack.length, object: current });
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push({ value: child, depth: top.depth + 1 });
  }
  return null;
}

function isFlat(value: object): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') return false;
    return true;
  }
  for (const key in value) {
    if (!hasOwn(value, key)) continue;
    const inner: unknown = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === 'object') return false;
  }
  return true;
}
