import type { Diagnostic } from '../core/diagnostic.js';

export const PACK_EVENT_TYPES = ['pack_synced', 'pack_validation_failed', 'pack_deleted', 'git_sync_failed'] as const;

export type PackEventType = (typeof PACK_EVENT_TYPES)[number];

/** What happened to a pack (or to the whole git sync), for /ws/events, /events and the dev console. */
export interface PackEvent {
  event_type: PackEventType;
  /** Null for `git_sync_failed` about the whole checkout. */
  pack_ref: string | null;
  /** The git commit the event is about; null outside git sync (dev mode, API). */
  commit: string | null;
  /** The git source it came from, when several are configured (HARMONIA_GIT_SOURCES). */
  source?: string;
  timestamp: string;
  data: PackEventData;
}

export interface PackEventData {
  /** Refs that got a new version (pack_synced). */
  registered?: Array<{ kind: string; ref: string; version: number | null }>;
  /** Refs marked deleted (pack_synced, pack_deleted). */
  pruned?: string[];
  /** Error diagnostics (pack_validation_failed). */
  diagnostics?: Diagnostic[];
  /** A failure that is not about a file (git_sync_failed): scrubbed of credentials. */
  error?: { code: string; message: string };
}

export type PackEventListener = (event: PackEvent) => void;

/** A small typed emitter the server forwards to its event streams. */
export interface PackEvents {
  /** Subscribes to one event type, or to all with `'*'`; returns the unsubscribe function. */
  on(type: PackEventType | '*', listener: PackEventListener): () => void;
  emit(event: PackEvent): void;
}

/**
 * Creates the pack event emitter. A listener that throws does not stop the others:
 * one broken subscriber must not hide a sync from the rest.
 */
export function createPackEvents(options: { onListenerError?: (error: unknown) => void } = {}): PackEvents {
  const listeners = new Map<PackEventType | '*', Set<PackEventListener>>();
  return {
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) {
        set = new Set();
        listeners.set(type, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(event) {
      for (const key of [event.event_type, '*'] as const) {
        for (const listener of [...(listeners.get(key) ?? [])]) {
          try {
            listener(event);
          } catch (error) {
            options.onListenerError?.(error);
          }
        }
      }
    },
  };
}
