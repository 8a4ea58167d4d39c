import type { ExecutionEvent } from '../core/model.js';
import { maskSecrets } from './mask-secrets.js';

// The bus hands the same event object to every subscriber: mask and serialise it once,
// not once per WebSocket or SSE client.
const cache = new WeakMap<ExecutionEvent, string>();

/** The masked JSON text of an event, computed once per event object. */
export function eventJson(event: ExecutionEvent): string {
  let text = cache.get(event);
  if (text === undefined) {
    text = JSON.stringify(maskSecrets(event));
    cache.set(event, text);
  }
  return text;
}
