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

const wsFrames = new WeakMap<ExecutionEvent, Buffer>();

/** The WebSocket text frame of an event's JSON, built once per event object (see wsTextFrame). */
export function eventWsFrame(event: ExecutionEvent): Buffer {
  let frame = wsFrames.get(event);
  if (frame === undefined) {
    frame = wsTextFrame(eventJson(event));
    wsFrames.set(event, frame);
  }
  return frame;
}

/**
 * One unfragmented, unmasked text frame (RFC 6455 §5.2). Frames a server sends are not
 * masked, so the same bytes serve every client: built once, written to each socket as is,
 * instead of framing every event once per subscriber.
 */
export function wsTextFrame(text: string): Buffer {
  return wsFrame(Buffer.from(text, 'utf8'));
}

/** One unfragmented, unmasked frame of `payload`; `first` is the first byte (FIN, RSV1 and opcode). @default first 0x81 (FIN, text) */
export function wsFrame(payload: Buffer, first = 0x81): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = first;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

const batchSseCache = new WeakMap<object, Buffer>();
const batchWsCache = new WeakMap<object, Buffer>();

/**
 * The SSE messages of a batch of the all-events feed (ids are positions), joined and
 * encoded once for every subscriber it goes to: a string would be encoded to UTF-8 again
 * by every response it is written to.
 */
export function batchSse(batch: { readonly events: readonly ExecutionEvent[] }): Buffer {
  let bytes = batchSseCache.get(batch);
  if (bytes === undefined) {
    bytes = Buffer.from(batch.events.map((event) => eventSse(event, 'position')).join(''), 'utf8');
    batchSseCache.set(batch, bytes);
  }
  return bytes;
}

/** The WebSocket frames of a batch, one per event, concatenated once for every subscriber it goes to. */
export function batchWsFrames(batch: { readonly events: readonly ExecutionEvent[] }): Buffer {
  let frames = batchWsCache.get(batch);
  if (frames === undefined) {
    frames = batch.events.length === 1 ? eventWsFrame(batch.events[0] as ExecutionEvent) : Buffer.concat(batch.events.map(eventWsFrame));
    batchWsCache.set(batch, frames);
  }
  return frames;
}
