/**
 * What a result costs: its size as characters of data (string lengths, key lengths, one per
 * scalar or container), the shape of the JSON it becomes in an event. A large value
 * referenced many times costs its size every time: `${[input.s, input.s, ...]}` is not cheap
 * because the references are.
 */
import { isPlainObject, type Fail } from './safe-data.js';

// Deeper data is refused when copied (safe-data.ts); here it just stops the walk.
const MAX_WALK_DEPTH = 200;

/**
 * The size of `value`, or more than `budget` as soon as it is known to exceed it: the walk
 * stops there, so measuring costs at most `budget` steps whatever the value holds.
 */
export function measureResult(value: unknown, budget: number): number {
  let used = 0;
  const walk = (item: unknown, depth: number): void => {
    if (used > budget) return;
    if (typeof item === 'string') {
      used += item.length + 2;
      return;
    }
    used += 1;
    if (item === null || typeof item !== 'object' || depth > MAX_WALK_DEPTH) return;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const descriptor = Object.getOwnPropertyDescriptor(item, i);
        used += 1;
        if (descriptor !== undefined && 'value' in descriptor) walk(descriptor.value, depth + 1);
        if (used > budget) return;
      }
      return;
    }
    // Own data properties only, as the copy reads them: measuring must never run a getter.
    if (!isPlainObject(item)) return;
    for (const key of Object.keys(item)) {
      used += key.length + 3;
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      if (descriptor !== undefined && 'value' in descriptor) walk(descriptor.value, depth + 1);
      if (used > budget) return;
    }
  };
  walk(value, 0);
  return used;
}

/** A shared allowance for the results of one rendering (a task's whole input), in characters. */
export interface ResultBudget {
  used: number;
  readonly limit: number;
}

/**
 * Charges `value` to `budget`. Thrown when the total passes the limit: EXPR_LIMIT naming it.
 */
export function chargeResult(value: unknown, budget: ResultBudget, fail: Fail): void {
  const size = measureResult(value, budget.limit - budget.used);
  budget.used += size;
  if (budget.used > budget.limit) {
    fail(
      'EXPR_LIMIT',
      `the results would exceed ${budget.limit} characters (maxResultSize); a large value counts every time it is referenced`,
    );
  }
}
