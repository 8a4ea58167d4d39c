/**
 * The opt-in batch format of `/ws/events` (`?batch=true`): each batch of the all-events feed
 * is one message, `{"type":"events","events":[...]}`, built once for every subscriber. On a
 * connection that negotiated permessage-deflate (RFC 7692) it goes compressed, also once
 * for every subscriber: the server never uses context takeover (server_no_context_takeover
 * is always accepted), so a message compressed on its own is valid on any connection. One
 * message per batch is what makes that pay: events compressed one by one shrink by a
 * quarter, a batch of them about fifteen-fold.
 */
import { constants, deflateRawSync } from 'node:zlib';
import type { ExecutionEvent } from '../core/model.js';
import { eventJson, wsFrame } from './event-json.js';

type Batch = { readonly events: readonly ExecutionEvent[] };

const plain = new WeakMap<object, Buffer>();
const deflated = new WeakMap<object, Buffer>();

// FIN, RSV1 (the message is compressed), opcode 1 (text).
const COMPRESSED_TEXT = 0xc1;
// A sync flush ends with an empty stored block, 00 00 ff ff, which RFC 7692 §7.2.1 leaves off.
const SYNC_TAIL = 4;

const batchJson = (batch: Batch): string => `{"type":"events","events":[${batch.events.map(eventJson).join(',')}]}`;

/** The batch as one uncompressed text frame. */
export function batchWsMessage(batch: Batch): Buffer {
  let frame = plain.get(batch);
  if (frame === undefined) {
    frame = wsFrame(Buffer.from(batchJson(batch), 'utf8'));
    plain.set(batch, frame);
  }
  return frame;
}

/** The batch as one compressed text frame, for connections that negotiated permessage-deflate. */
export function deflatedBatchWsMessage(batch: Batch): Buffer {
  let frame = deflated.get(batch);
  if (frame === undefined) {
    const payload = deflateRawSync(Buffer.from(batchJson(batch), 'utf8'), { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
    frame = wsFrame(payload.subarray(0, payload.length - SYNC_TAIL), COMPRESSED_TEXT);
    deflated.set(batch, frame);
  }
  return frame;
}

/**
 * Whether the extensions a connection negotiated let it take the shared compressed frames:
 * permessage-deflate with the server's full 32 KiB window (a client that limited it with
 * server_max_window_bits gets the batches uncompressed).
 */
export function takesSharedDeflate(extensions: string): boolean {
  if (!/\bpermessage-deflate\b/.test(extensions)) return false;
  const bits = /server_max_window_bits=(\d+)/.exec(extensions);
  return bits === null || Number(bits[1]) >= 15;
}
