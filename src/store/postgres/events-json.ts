import type { ExecutionEvent } from '../../core/model.js';

/**
 * Events as the one JSON array parameter an append sends: the server splits it with
 * json_array_elements and stores each element's text as it stands, which is the text
 * JSON.stringify gives the event alone. The position is left out: it lives in its own column.
 */
export function eventsJson(events: readonly ExecutionEvent[]): string {
  return JSON.stringify(events.some((event) => event.position !== undefined) ? events.map(withoutPosition) : events);
}

function withoutPosition(event: ExecutionEvent): ExecutionEvent {
  if (event.position === undefined) return event;
  const { position: _position, ...rest } = event;
  return rest;
}
