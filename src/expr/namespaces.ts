/**
 * The root names an expression may start with. `item` and `item_index` exist only in
 * tasks with `with_items`; the validator decides where each one is allowed.
 */
export const EXPR_NAMESPACES: readonly string[] = Object.freeze([
  'tasks',
  'input',
  'context',
  'env',
  'param',
  'state',
  'item',
  'item_index',
  // A schedule's input only (the fire: id, name, workflow_ref, scheduled_time, reason).
  'trigger',
]);
