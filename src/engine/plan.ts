import type { TaskDef, TriggerRule, WorkflowDef } from '../core/model.js';

/** What the scheduler needs to know about a workflow, computed once per execution. */
export interface Plan {
  workflow: WorkflowDef;
  /** Task ids in declaration order: a task's position here is its index. */
  order: string[];
  tasks: Record<string, TaskDef>;
  /** The definitions by index (`defs[i].id === order[i]`). */
  defs: TaskDef[];
  /** A task's index by id (a repeated id, which validation rejects, names its last definition). */
  index: Map<string, number>;
  /**
   * The tasks that list a task in depends_on (handlers excluded: they run when triggered),
   * by index, in declaration order: those of the task at index `i` are
   * `dependants[dependants_from[i] .. dependants_from[i + 1])`. Integer arrays rather than
   * a list of definitions per task: a layered DAG has a million edges, and a million
   * pointers pushed into growing arrays were most of buildPlan's time and a start's
   * collections (docs/performance.md, h-layered).
   */
  dependants_from: Int32Array;
  dependants: Int32Array;
  /** Every depends_on entry of every task names a task of the workflow. */
  upstreams_known: boolean;
  /** Tasks named by an on_error or an error_handlers entry. */
  handlers: Record<string, true>;
  /** Tasks whose input, condition or with_items hold an expression. */
  needs_render: Record<string, true>;
  /**
   * The workflow's output holds an expression. Without one, rendering it reads no scope, so
   * the execution's end builds no `${tasks}` view (an object per task) for it.
   */
  output_reads_scope: boolean;
}

/** Whether a value may hold an expression: only strings can, so an empty one needs no JSON. */
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
  const defs = workflow.tasks;
  const count = defs.length;
  const order: string[] = new Array<string>(count);
  const handlers = Object.create(null) as Record<string, true>;
  const needsRender = Object.create(null) as Record<string, true>;
  // A repeated id (rejected by validation, but a body may come from elsewhere) names its
  // last definition, as `tasks` does.
  const indexOf = new Map<string, number>();
  for (let index = 0; index < count; index += 1) {
    const task = defs[index] as TaskDef;
    tasks[task.id] = task;
    order[index] = task.id;
    indexOf.set(task.id, index);
    if (task.on_error) handlers[task.on_error] = true;
  }
  for (const entry of workflow.error_handlers ?? []) handlers[entry.handler] = true;
  // Each edge is looked up once, into `upstream` (-1: no such task; handlers' edges are not
  // kept); the dependants are then the transpose of those edges, counted and placed.
  let edges = 0;
  for (let index = 0; index < count; index += 1) edges += (defs[index] as TaskDef).depends_on?.length ?? 0;
  const upstream = new Int32Array(edges);
  const from = new Int32Array(count + 1);
  let known = true;
  let edge = 0;
  for (let index = 0; index < count; index += 1) {
    const task = defs[index] as TaskDef;
    if (mayRender(task.input)) needsRender[task.id] = true;
    const upstreams = task.depends_on;
    if (upstreams === undefined) continue;
    const handler = handlers[task.id] === true;
    for (let k = 0; k < upstreams.length; k += 1) {
      const at = indexOf.get(upstreams[k] as string);
      if (at === undefined) known = false;
      if (at === undefined || handler) upstream[edge] = -1;
      else {
        upstream[edge] = at;
        from[at + 1] = (from[at + 1] as number) + 1;
      }
      edge += 1;
    }
  }
  for (let index = 0; index < count; index += 1) from[index + 1] = (from[index + 1] as number) + (from[index] as number);
  const dependants = new Int32Array(from[count] as number);
  const next = from.slice(0, count);
  edge = 0;
  for (let index = 0; index < count; index += 1) {
    const length = (defs[index] as TaskDef).depends_on?.length ?? 0;
    for (let k = 0; k < length; k += 1) {
      const at = upstream[edge] as number;
      edge += 1;
      if (at < 0) continue;
      dependants[next[at] as number] = index;
      next[at] = (next[at] as number) + 1;
    }
  }
  return { workflow, order, tasks, defs, index: indexOf, dependants_from: from, dependants, upstreams_known: known, handlers, needs_render: needsRender, output_reads_scope: mayRender(workflow.output) };
}

/** The ids of the tasks that depend on a task (handlers excluded), in declaration order. */
export function dependantsOf(plan: Plan, taskId: string): string[] {
  const index = plan.index.get(taskId);
  if (index === undefined) return [];
  const ids: string[] = [];
  const end = plan.dependants_from[index + 1] as number;
  for (let at = plan.dependants_from[index] as number; at < end; at += 1) ids.push(plan.order[plan.dependants[at] as number] as string);
  return ids;
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
