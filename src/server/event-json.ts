import type { ExecutionEvent } from '../core/model.js';
import { maskSecrets } from './mask-secrets.js';

// The bus and the global feed hand the same event object to every subscriber: mask and
// serialise it once, not once per WebSocket or SSE client.
const cache = new WeakMap<ExecutionEvent, string>();
const sseBySeq = new WeakMap<ExecutionEvent, string>();
const sseByPosition = new WeakMap<ExecutionEvent, string>();

/** The masked JSON text of an event, computed once per event object. */
export function eventJson(event: ExecutionEvent): string {
  let text = cache.get(event);
  if (text === undefined) {
    text = JSON.stringify(maskSecrets(event));
    cache.set(event, text);
  }
  return text;
}

/**
 * The SSE message of an event, computed once per event object: `id:` is its seq on an
 * execution's stream, its global position on the all-events stream.
 */
export function eventSse(event: ExecutionEvent, id: 'seq' | 'position'): string {
  const cacheFor = id === 'seq' ? sseBySeq : sseByPosition;
  let text = cacheFor.get(event);
  if (text === undefined) {
    text = `id: ${id === 'seq' ? event.seq : (event.position ?? '')}\nevent: ${event.event_type}\ndata: ${eventJson(event)}\n\n`;
    cacheFor.set(event, text);
  }
  return text;
}
