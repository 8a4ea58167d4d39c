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

type Handlers = Map<string, { triggers: Set<string>; global: boolean }>;

// Views do not change once the rules run, and every expression reference asks again.
const handlersCache = new WeakMap<WorkflowView, Handlers>();
const readableCache = new WeakMap<WorkflowView, Map<string, ReadonlySet<string> | 'any'>>();

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
 * The tasks whose results `id` may read: its upstream, and for a handler also the tasks
 * that trigger it and their upstream. 'any' for a global handler (any task may fail).
 */
export function readableBy(view: WorkflowView, id: string): ReadonlySet<string> | 'any' {
  let cache = readableCache.get(view);
  if (!cache) {
    cache = new Map();
    readableCache.set(view, cache);
  }
  const hit = cache.get(id);
  if (hit) return hit;
  const result = computeReadable(view, id);
  cache.set(id, result);
  return result;
}

function computeReadable(view: WorkflowView, id: string): ReadonlySet<string> | 'any' {
  const handler = handlersOf(view).get(id);
  if (handler?.global) return 'any';
  const upstream = upstreamOf(view, id);
  // Most tasks are no handler and not in their own upstream: share the upstream set.
  if (!handler && !upstream.has(id)) return upstream;
  const readable = new Set(upstream);
  for (const trigger of handler?.triggers ?? []) {
    readable.add(trigger);
    for (const up of upstreamOf(view, trigger)) readable.add(up);
  }
  readable.delete(id);
  return readable;
}
