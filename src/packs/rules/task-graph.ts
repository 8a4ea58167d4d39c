/** Reachability over depends_on, shared by the DAG and expression rules. */
import type { WorkflowView } from './rule-context.js';

const upstreamCache = new WeakMap<WorkflowView, Map<string, ReadonlySet<string>>>();

/** Every task that `id` depends on, directly or through others (cycle-safe, unknowns ignored). */
export function upstreamOf(view: WorkflowView, id: string): ReadonlySet<string> {
  let cache = upstreamCache.get(view);
  if (!cache) {
    cache = new Map();
    upstreamCache.set(view, cache);
  }
  const hit = cache.get(id);
  if (hit) return hit;
  const seen = new Set<string>();
  const stack = [...(view.byId.get(id)?.def.depends_on ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || seen.has(next) || !view.byId.has(next)) continue;
    seen.add(next);
    stack.push(...(view.byId.get(next)?.def.depends_on ?? []));
  }
  cache.set(id, seen);
  return seen;
}

/** Handlers and what triggers them: `on_error` names a handler per task; error_handlers are global. */
export function handlersOf(view: WorkflowView): Map<string, { triggers: Set<string>; global: boolean }> {
  const handlers = new Map<string, { triggers: Set<string>; global: boolean }>();
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
  return handlers;
}

/**
 * The tasks whose results `id` may read: its upstream, and for a handler also the tasks
 * that trigger it and their upstream. 'any' for a global handler (any task may fail).
 */
export function readableBy(view: WorkflowView, id: string): ReadonlySet<string> | 'any' {
  const handler = handlersOf(view).get(id);
  if (handler?.global) return 'any';
  const readable = new Set(upstreamOf(view, id));
  for (const trigger of handler?.triggers ?? []) {
    readable.add(trigger);
    for (const up of upstreamOf(view, trigger)) readable.add(up);
  }
  readable.delete(id);
  return readable;
}
