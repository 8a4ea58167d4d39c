/** DAG_UNKNOWN_DEPENDENCY, DAG_SELF_DEPENDENCY, DAG_DUPLICATE_TASK, DAG_CYCLE. */
import { joinPointer } from '../../core/source.js';
import { didYouMean } from '../../core/suggest.js';
import type { Rule, TaskView } from './rule-context.js';
import { hasCycle } from './task-graph.js';

function dependsPointer(task: TaskView, index: number): string {
  return joinPointer(task.pointer, 'depends_on', index);
}

/** Every depends_on entry must name another task of the workflow, without cycles. */
export const checkDag: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  const ids = [...view.byId.keys()];
  for (const { first, second } of view.duplicates) {
    if (second.file !== ctx.file) continue;
    ctx.report({
      code: 'DAG_DUPLICATE_TASK',
      pointer: joinPointer(second.pointer, 'id'),
      message: `duplicate task id '${second.def.id}': an earlier task already has this id`,
      hint: 'give each task its own id',
      related: [ctx.related(first.file, first.pointer, `first task with id '${first.def.id}'`)],
    });
  }
  for (const task of view.tasks) {
    if (!task.own) continue;
    task.def.depends_on.forEach((dep, i) => {
      if (dep === task.def.id) {
        ctx.report({
          code: 'DAG_SELF_DEPENDENCY',
          pointer: dependsPointer(task, i),
          message: `task '${dep}' depends on itself; remove '${dep}' from its depends_on`,
        });
      } else if (!view.byId.has(dep)) {
        const hint = didYouMean(dep, ids);
        ctx.report({
          code: 'DAG_UNKNOWN_DEPENDENCY',
          pointer: dependsPointer(task, i),
          message: `unknown task '${dep}' in depends_on of task '${task.def.id}'`,
          ...(hint ? { hint } : {}),
        });
      }
    });
  }
  // Kahn's order over the same edges (task-graph.ts) already tells whether there is a cycle to report.
  if (hasCycle(view)) reportCycles(ctx, view.tasks);
};

// Tarjan's strongly connected components, iteratively (a chain of thousands of tasks
// would overflow the stack of the recursive form); each component with more than one task
// holds at least one cycle, reported once with its path.
function reportCycles(ctx: Parameters<Rule>[0], tasks: readonly TaskView[]): void {
  const byId = new Map(tasks.map((t) => [t.def.id, t]));
  const edges = (t: TaskView) => t.def.depends_on.filter((d) => d !== t.def.id && byId.has(d));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (root: string): void => {
    const frames: Array<{ id: string; deps: string[]; next: number }> = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      const task = byId.get(id);
      frames.push({ id, deps: task ? edges(task) : [], next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as (typeof frames)[number];
      const { id } = frame;
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next] as string;
        frame.next += 1;
        if (!index.has(dep)) enter(dep);
        else if (onStack.has(dep)) low.set(id, Math.min(low.get(id) ?? 0, index.get(dep) ?? 0));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(id) ?? 0));
      if (low.get(id) === index.get(id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== id);
        if (component.length > 1) components.push(component);
      }
    }
  };
  for (const task of tasks) if (!index.has(task.def.id)) connect(task.def.id);
  for (const component of components) {
    const members = new Set(component);
    // Start from the component's first task in file order and follow edges inside it
    // until a task repeats: that closes the cycle.
    const start = tasks.find((t) => members.has(t.def.id));
    if (!start) continue;
    const path: TaskView[] = [start];
    const seenAt = new Map<string, number>([[start.def.id, 0]]);
    let current = start;
    for (;;) {
      const nextId = edges(current).find((d) => members.has(d));
      const next = nextId === undefined ? undefined : byId.get(nextId);
      if (!next) break;
      const at = seenAt.get(next.def.id);
      if (at !== undefined) {
        const cycle = [...path.slice(at), next];
        reportCycle(ctx, cycle);
        break;
      }
      seenAt.set(next.def.id, path.length);
      path.push(next);
      current = next;
    }
  }
}

function reportCycle(ctx: Parameters<Rule>[0], cycle: TaskView[]): void {
  const edgesOf = cycle.slice(0, -1).map((task, i) => {
    const to = cycle[i + 1]?.def.id ?? '';
    return { task, to, pointer: dependsPointer(task, task.def.depends_on.indexOf(to)) };
  });
  const closing = [...edgesOf].reverse().find((e) => e.task.own) ?? edgesOf[edgesOf.length - 1];
  if (!closing || !closing.task.own) return;
  const text = cycle.map((t) => t.def.id).join(' → ');
  ctx.report({
    code: 'DAG_CYCLE',
    pointer: closing.pointer,
    message: `dependency cycle: ${text} (each task waits for the next, so none can start)`,
    hint: `remove one of these depends_on entries, e.g. '${closing.to}' from task '${closing.task.def.id}'`,
    related: edgesOf.map((e) => ctx.related(e.task.file, e.pointer, `'${e.task.def.id}' depends on '${e.to}'`)),
  });
}
