import type { TaskDef, TriggerRule, WorkflowDef } from '../core/model.js';

/** What the scheduler needs to know about a workflow, computed once per execution. */
export interface Plan {
  workflow: WorkflowDef;
  /** Task ids in declaration order. */
  order: string[];
  tasks: Record<string, TaskDef>;
  /**
   * The definitions of the tasks that list the key in depends_on (handlers excluded: they run
   * when triggered), in declaration order: a finished task looks at each dependant's trigger
   * rule without a lookup by id (a layered DAG has hundreds per task). Their ids are the
   * definitions' `id`s (dependantsOf).
   */
  dependant_defs: Record<string, TaskDef[]>;
  /** Tasks named by an on_error or an error_handlers entry. */
  handlers: Record<string, true>;
  /** Tasks whose input, condition or with_items hold an expression. */
  needs_render: Record<string, true>;
}

/** Whether an input may hold an expression: only strings can, so an empty input needs no JSON. */
function mayRender(input: Record<string, unknown> | undefined): boolean {
  if (input === undefined) return false;
  for (const _key in input) return JSON.stringify(input).includes('${');
  return false;
}

/** Builds the plan of a normalised workflow body. */
export function buildPlan(workflow: WorkflowDef): Plan {
  // Null prototypes: a task named `toString` or `constructor` must not find Object.prototype's
  // members (a truthy `handlers.toString` made such a task a never-triggered handler).
  const tasks = Object.create(null) as Record<string, TaskDef>;
  const order: string[] = [];
  const dependantDefs = Object.create(null) as Record<string, TaskDef[]>;
  const handlers = Object.create(null) as Record<string, true>;
  const needsRender = Object.create(null) as Record<string, true>;
  // Each edge is one Map lookup: a layered DAG's body has a million (100 x 100 tasks, each
  // depending on the whole layer before), and looking each up in the dictionaries above twice
  // (ids and definitions) was most of an execution's start.
  const lists = new Map<string, TaskDef[]>();
  for (const task of workflow.tasks) {
    tasks[task.id] = task;
    order.push(task.id);
    const defs: TaskDef[] = [];
    dependantDefs[task.id] = defs;
    lists.set(task.id, defs);
    if (task.on_error) handlers[task.on_error] = true;
  }
  for (const entry of workflow.error_handlers ?? []) handlers[entry.handler] = true;
  for (const task of workflow.tasks) {
    if (mayRender(task.input)) needsRender[task.id] = true;
    if (handlers[task.id]) continue;
    const upstreams = task.depends_on;
    if (upstreams === undefined) continue;
    for (let index = 0; index < upstreams.length; index += 1) lists.get(upstreams[index] as string)?.push(task);
  }
  return { workflow, order, tasks, dependant_defs: dependantDefs, handlers, needs_render: needsRender };
}

/** The ids of the tasks that depend on a task (handlers excluded), in declaration order. */
export function dependantsOf(plan: Plan, taskId: string): string[] {
  return (plan.dependant_defs[taskId] ?? []).map((def) => def.id);
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
    for (const next of dependantsOf(plan, id)) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return plan.order.filter((id) => seen.has(id));
}
