/**
 * The names the engine gives a task's unit of work and the child execution a
 * `core.workflow` attempt starts. They live in core because the console links a parent's
 * task to its child by the same formula the engine used to name it.
 */

/**
 * A unit's idempotency key: `<execution>:<task>`, or `<execution>:<task>:<item>` for a fan-out
 * item. The same for every attempt; sub-workflow ids and child controls are built on it.
 */
export function idempotencyKeyOf(executionId: string, taskId: string, item?: number): string {
  return item === undefined ? `${executionId}:${taskId}` : `${executionId}:${taskId}:${item}`;
}

/**
 * The id of the child execution that attempt `attempt` of `core.workflow` task `taskId`
 * (item `item` of a fan-out) of execution `parentId` starts: stable, so a restarted
 * parent finds its child.
 * @example childExecutionIdOf('e1', 'deploy', 2) // 'e1:deploy#2'
 */
export function childExecutionIdOf(parentId: string, taskId: string, attempt: number, item?: number): string {
  return `${idempotencyKeyOf(parentId, taskId, item)}#${attempt}`;
}
