import type { ExecutionEvent } from '../core/model.js';

/** Which events a subscriber wants; an empty filter means all. */
export interface EventFilter {
  execution_id?: string;
}

export type EventListener = (event: ExecutionEvent) => void;

/** Events of executions, published after they are committed. */
export interface EventBus {
  /**
   * Returns the function that unsubscribes. `onGone`, with a filter naming one execution,
   * is called once if that execution is deleted (retention) while subscribed: no event of it
   * will come again.
   */
  subscribe(filter: EventFilter, listener: EventListener, onGone?: () => void): () => void;
  publish(events: readonly ExecutionEvent[]): void;
  /** Tells the subscribers of these executions that they were deleted. */
  announceGone(ids: readonly string[]): void;
}

/** An in-process bus; a throwing listener is dropped from that delivery, never the engine's problem. */
export function createEventBus(onListenerError: (error: unknown) => void = () => undefined): EventBus {
  const all = new Set<EventListener>();
  // The all-events listeners as an array, made again only after one is added or removed: each
  // event is delivered to the listeners there were when its delivery began (a copy per event
  // did that at an array per event).
  let allList: EventListener[] | null = null;
  const byExecution = new Map<string, Set<EventListener>>();
  const goneListeners = new Map<string, Set<() => void>>();
  const deliver = (listener: EventListener, event: ExecutionEvent): void => {
    try {
      listener(event);
    } catch (error) {
      onListenerError(error);
    }
  };
  return {
    subscribe(filter, listener, onGone) {
      const id = filter.execution_id;
      if (id === undefined) {
        all.add(listener);
        allList = null;
        return () => {
          allList = null;
          return all.delete(listener);
        };
      }
      let set = byExecution.get(id);
      if (!set) {
        set = new Set();
        byExecution.set(id, set);
      }
      set.add(listener);
      let gone = onGone === undefined ? undefined : goneListeners.get(id);
      if (onGone !== undefined) {
        if (gone === undefined) {
          gone = new Set();
          goneListeners.set(id, gone);
        }
        gone.add(onGone);
      }
      return () => {
        const current = byExecution.get(id);
        current?.delete(listener);
        if (current?.size === 0) byExecution.delete(id);
        if (onGone === undefined) return;
        const waiting = goneListeners.get(id);
        waiting?.delete(onGone);
        if (waiting?.size === 0) goneListeners.delete(id);
      };
    },
    publish(events) {
      if (all.size === 0 && byExecution.size === 0) return;
      for (const event of events) {
        const listeners = (allList ??= [...all]);
        for (let index = 0; index < listeners.length; index += 1) deliver(listeners[index] as EventListener, event);
        const set = byExecution.get(event.execution_id);
        if (set) for (const listener of [...set]) deliver(listener, event);
      }
    },
    announceGone(ids) {
      for (const id of ids) {
        const waiting = goneListeners.get(id);
        if (waiting === undefined) continue;
        goneListeners.delete(id);
        for (const onGone of [...waiting]) {
          try {
            onGone();
          } catch (error) {
            onListenerError(error);
          }
        }
      }
    },
  };
}
