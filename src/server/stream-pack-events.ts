/**
 * Forwards pack events (git sync, dev mode) to one global-stream subscriber, beside
 * the execution events. A subscriber that cannot keep up is dropped, as for
 * execution events: a slow client must not hold the sync back.
 */
import type { PackEvent, PackEvents } from '../gitops/pack-events.js';
import { maskSecrets } from './mask-secrets.js';

export interface PackEventStreamOptions {
  events: PackEvents;
  /** Delivers one event; false when the client is too far behind (the stream then ends). */
  send: (event: PackEvent) => boolean;
  close: (reason: string) => void;
}

// One emit hands the same object to every subscriber: mask and serialise it once.
const cache = new WeakMap<PackEvent, string>();

/** The masked JSON text of a pack event, computed once per event object. */
export function packEventJson(event: PackEvent): string {
  let text = cache.get(event);
  if (text === undefined) {
    text = JSON.stringify(maskSecrets(event));
    cache.set(event, text);
  }
  return text;
}

/** Subscribes to every pack event; returns the function that stops it. */
export function streamPackEvents(options: PackEventStreamOptions): () => void {
  let stopped = false;
  const unsubscribe = options.events.on('*', (event) => {
    if (stopped) return;
    if (!options.send(event)) {
      stopped = true;
      unsubscribe();
      options.close('client too slow: event buffer full');
    }
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
