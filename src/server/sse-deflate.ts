/**
 * The all-events SSE stream in `Content-Encoding: deflate` (RFC 9110: a zlib stream), with
 * each batch of the feed compressed once for every subscriber. A zlib stream is one
 * deflate stream between a 2-byte header and the Adler-32 of everything it carries. Each
 * chunk here is compressed on its own (no reference to earlier bytes) and ends with a sync
 * flush (byte-aligned, no final block), so the same bytes continue any connection's
 * stream: what stays per connection is the running checksum, combined from the chunks'
 * own in constant time, and written in the trailer when the stream ends.
 */
import { constants, deflateRawSync } from 'node:zlib';
import type { ExecutionEvent } from '../core/model.js';
import { batchSse } from './event-json.js';

/** A compressed chunk's uncompressed length and Adler-32, for the connection's checksum. */
interface ChunkSum {
  readonly length: number;
  readonly adler: number;
}

const sums = new WeakMap<Buffer, ChunkSum>();
const batches = new WeakMap<object, Buffer>();

const ADLER_BASE = 65_521;
// The most bytes summed before the 32-bit sums must be reduced (zlib's NMAX).
const ADLER_NMAX = 5552;

/** Adler-32 of `bytes` (RFC 1950). */
export function adler32(bytes: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + ADLER_NMAX);
    for (; i < end; i += 1) {
      a += bytes[i] as number;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** The Adler-32 of A followed by B, from theirs and B's length (zlib's adler32_combine). */
export function combineAdler32(first: number, second: number, secondLength: number): number {
  const rem = secondLength % ADLER_BASE;
  let sum1 = first & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (second & 0xffff) + ADLER_BASE - 1;
  sum2 += ((first >>> 16) & 0xffff) + ((second >>> 16) & 0xffff) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** `text` compressed on its own, ending in a sync flush, so it can continue any deflate stream. */
export function deflateChunk(text: string | Buffer): Buffer {
  const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // level 1: a batch of similar events shrinks ~15-fold at level 1 too, at the least CPU
  const bytes = deflateRawSync(raw, { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
  sums.set(bytes, { length: raw.length, adler: adler32(raw) });
  return bytes;
}

const fixed = new Map<string, Buffer>();

/** deflateChunk of a fixed text (the retry hint, the keep-alive comment), made once for every stream. */
export function deflateFixed(text: string): Buffer {
  let bytes = fixed.get(text);
  if (bytes === undefined) {
    bytes = deflateChunk(text);
    fixed.set(text, bytes);
  }
  return bytes;
}

/** The SSE messages of a batch of the all-events feed, compressed once for every subscriber it goes to. */
export function deflatedBatchSse(batch: { readonly events: readonly ExecutionEvent[] }): Buffer {
  let bytes = batches.get(batch);
  if (bytes === undefined) {
    bytes = deflateChunk(batchSse(batch));
    batches.set(batch, bytes);
  }
  return bytes;
}

/** One connection's deflate body: its header, its chunks (made by deflateChunk) and its trailer. */
export interface DeflateBody {
  /** The zlib header and `first` (the stream's first chunk). */
  start(first: Buffer): Buffer;
  /** Chunks made by deflateChunk, as one write; the running checksum takes them in. */
  take(chunks: readonly Buffer[]): Buffer;
  /** The last chunk, an empty final block and the checksum: the end of the zlib stream. */
  end(last: Buffer): Buffer;
}

// CMF 0x78 (deflate, 32 KiB window), FLG 0x01: no dictionary, and 0x7801 is a multiple of 31.
const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
// An empty fixed-Huffman block with BFINAL set.
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** Creates the body of one deflate-encoded stream. Thrown (a plain Error) for a chunk deflateChunk did not make: a programming error. */
export function createDeflateBody(): DeflateBody {
  let adler = 1;
  const add = (chunk: Buffer): void => {
    const sum = sums.get(chunk);
    if (sum === undefined) throw new Error('a chunk of a deflate body must come from deflateChunk');
    adler = combineAdler32(adler, sum.adler, sum.length);
  };
  return {
    start(first) {
      add(first);
      return Buffer.concat([ZLIB_HEADER, first]);
    },
    take(chunks) {
      for (const chunk of chunks) add(chunk);
      return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    },
    end(last) {
      add(last);
      const trailer = Buffer.allocUnsafe(4);
      trailer.writeUInt32BE(adler, 0);
      return Buffer.concat([last, FINAL_BLOCK, trailer]);
    },
  };
}
