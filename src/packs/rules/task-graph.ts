/**
 * Reachability over depends_on, shared by the DAG and expression rules.
 *
 * Nothing here builds a task's whole upstream: on a chain of n tasks those sets hold
 * n²/2 entries (25k tasks took gigabytes). Questions are answered one at a time by a
 * search that stops at the answer, skips tasks that come too early in the graph to lead
 * to it, and remembers per target what it learnt, so validation stays linear in practice.
 */
import type { WorkflowView } from './rule-context.js';

interface Graph {
  ids: Map<string, number>;
  /** Known dependencies of each task, by index. */
  deps: number[][];
  /** Longest dependency path from a root; Infinity for a task on or after a cycle. */
  level: number[];
  acyclic: boolean;
  /** Per target index: task index → 1 (reaches it) or 2 (cannot). */
  memo: Map<number, Map<number, 1 | 2>>;
}

const graphCache = new WeakMap<WorkflowView, Graph>();

function graphOf(view: WorkflowView): Graph {
  const cached = graphCache.get(view);
  if (cached) return cached;
  const ids = new Map<string, number>();
  view.tasks.forEach((t, i) => {
    if (!ids.has(t.def.id)) ids.set(t.def.id, i);
  });
  const deps = view.tasks.map((t) => {
    const list: number[] = [];
    for (const d of t.def.depends_on) {
      const at = ids.get(d);
      if (at !== undefined) list.push(at);
    }
    return list;
  });
  // Kahn's algorithm over dependants gives each task its level; what it never reaches sits on or after a cycle.
  const level = new Array<number>(deps.length).fill(Infinity);
  const waiting = deps.map((d) => d.length);
  const dependants: number[][] = deps.map(() => []);
  deps.forEach((list, i) => list.forEach((d) => dependants[d]?.push(i)));
  const queue: number[] = [];
  waiting.forEach((w, i) => {
    if (w === 0) {
      queue.push(i);
      level[i] = 0;
    }
  });
  for (let head = 0; head < queue.length; head += 1) {
    const at = queue[head] as number;
    for (const next of dependants[at] ?? []) {
      level[next] = Math.max(level[next] === Infinity ? 0 : (level[next] ?? 0), (level[at] ?? 0) + 1);
      waiting[next] = (waiting[next] ?? 0) - 1;
      if (waiting[next] === 0) queue.push(next);
    }
  }
  // Tasks not dequeued keep a partial level; mark them all as unknown order.
  const done = new Set(queue);
  deps.forEach((_, i) => {
    if (!done.has(i)) level[i] = Infinity;
  });
  const graph: Graph = { ids, deps, level, acyclic: queue.length === deps.length, memo: new Map() };
  graphCache.set(view, graph);
  return graph;
}

/** True when `target` is upstream of `id`: `id` depends on it directly or through others (cycle-safe). */
export function dependsOn(view: WorkflowView, id: string, target: string): boolean {
  const graph = graphOf(view);
  const from = graph.ids.get(id);
  const to = graph.ids.get(target);
  if (from === undefined || to === undefined) return false;
  const toLevel = graph.level[to] ?? Infinity;
  let memo = graph.memo.get(to);
  if (!memo) {
    memo = new Map();
    graph.memo.set(to, memo);
  }
  // Most questions name a direct dependency, or one whose answer is remembered: answered
  // without a search (and with what the search would have remembered).
  const direct = graph.deps[from] ?? [];
  for (const d of direct) {
    if (d === to || memo.get(d) === 1) {
      if (graph.acyclic) memo.set(from, 1);
      return true;
    }
  }
  // A task at or below the target's level cannot lead to it (only in the acyclic part).
  const hopeless = (n: number): boolean => n !== to && toLevel !== Infinity && (graph.level[n] ?? Infinity) <= toLevel;
  const seen = new Set<number>();
  const stack = [...(graph.deps[from] ?? [])];
  let found = false;
  while (stack.length > 0) {
    const n = stack.pop() as number;
    if (n === to || memo.get(n) === 1) {
      found = true;
      break;
    }
    if (seen.has(n) || memo.get(n) === 2 || hopeless(n)) continue;
    seen.add(n);
    for (const d of graph.deps[n] ?? []) stack.push(d);
  }
  // A finished search saw everything its tasks reach, so none of them reaches the target;
  // one that stopped early proves nothing about the rest. A cycle breaks both guarantees.
  if (graph.acyclic) {
    if (!found) for (const n of seen) memo.set(n, 2);
    memo.set(from, found ? 1 : 2);
  }
  return found;
}

/**
 * True when depends_on (among the workflow's tasks, self-dependencies included) has a
 * cycle; false proves there is none, so the cycle search can be skipped.
 */
export function hasCycle(view: WorkflowView): boolean {
  return !graphOf(view).acyclic;
}

type Handlers = Map<string, { triggers: Set<string>; global: boolean }>;

// Views do not change once the rules run, and every expression reference asks again.
const handlersCache = new WeakMap<WorkflowView, Handlers>();

/** Handlers and what triggers them: `on_error` names a handler per task; error_handlers are global. */
export function handlersOf(view: WorkflowView): Handlers {
  const cached = handlersCache.get(view);
  if (cached) return cached;
  const handlers: Handlers = new Map();
  const entry = (id: string) => {
    let h = handlers.get(id);
    if (!h) {
      h = { triggers: new Set(), global: false };
      handlers.set(id, h);
    }
    return h;
  };
  for (const task of view.tasks) {
    if (task.def.on_error !== undefined) entry(task.def.on_error).triggers.add(task.def.id);
  }
  for (const h of view.errorHandlers) entry(h.def.handler).global = true;
  handlersCache.set(view, handlers);
  return handlers;
}

/**
 * Whether task `id` may read the result of task `name`: it is upstream, or `id` handles
 * the errors of `name` or of a task `name` is upstream of. Always for a global handler
 * (any task may fail).
 */
export function canRead(view: WorkflowView, id: string, name: string): boolean {
  if (id === name) return false;
  const handler = handlersOf(view).get(id);
  if (handler?.global) return true;
  if (dependsOn(view, id, name)) return true;
  for (const trigger of handler?.triggers ?? []) {
    if (trigger === name || dependsOn(view, trigger, name)) return true;
  }
  return false;
}
