import type { TaskDef, TriggerRule, WorkflowDef } from '../core/model.js';

/** What the scheduler needs to know about a workflow, computed once per execution. */
export interface Plan {
  workflow: WorkflowDef;
  /** Task ids in declaration order. */
  order: string[];
  tasks: Record<string, TaskDef>;
  /** Tasks that list the key in depends_on (handlers excluded: they run when triggered). */
  dependants: Record<string, string[]>;
  /**
   * The same dependants' definitions, in the same order: a finished task looks at each
   * dependant's trigger rule without a lookup by id (a layered DAG has hundreds per task).
   */
  dependant_defs: Record<string, TaskDef[]>;
  /** Tasks named by an on_error or an error_handlers entry. */
  handlers: Record<string, true>;
  /** Tasks whose input, condition or with_items hold an expression. */
  needs_render: Record<string, true>;
}

/** Builds the plan of a normalised workflow body. */
export function buildPlan(workflow: WorkflowDef): Plan {
  // Null prototypes: a task named `toString` or `constructor` must not find Object.prototype's
  // members (a truthy `handlers.toString` made such a task a never-triggered handler).
  const tasks = Object.create(null) as Record<string, TaskDef>;
  const order: string[] = [];
  const dependants = Object.create(null) as Record<string, string[]>;
  const dependantDefs = Object.create(null) as Record<string, TaskDef[]>;
  const handlers = Object.create(null) as Record<string, true>;
  const needsRender = Object.create(null) as Record<string, true>;
  for (const task of workflow.tasks) {
    tasks[task.id] = task;
    order.push(task.id);
    dependants[task.id] = [];
    dependantDefs[task.id] = [];
    if (task.on_error) handlers[task.on_error] = true;
  }
  for (const entry of workflow.error_handlers ?? []) handlers[entry.handler] = true;
  for (const task of workflow.tasks) {
    if (JSON.stringify(task.input ?? {}).includes('${')) needsRender[task.id] = true;
    if (handlers[task.id]) continue;
    for (const upstream of task.depends_on ?? []) {
      dependants[upstream]?.push(task.id);
      dependantDefs[upstream]?.push(task);
    }
  }
  return { workflow, order, tasks, dependants, dependant_defs: dependantDefs, handlers, needs_render: needsRender };
}

/** The trigger rule of a task (`all_success` when unset). */
export function triggerRuleOf(task: TaskDef | undefined): TriggerRule {
  return task?.trigger_rule ?? 'all_success';
}

/** A task and everything that (transitively) depends on it, in declaration order. */
export function downstreamClosure(plan: Plan, taskId: string): string[] {
  const seen = new Set<string>([taskId]);
  const stack = [taskId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const next of plan.dependants[id] ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return plan.order.filter((id) => seen.has(id));
}
