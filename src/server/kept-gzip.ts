/**
 * gzipped copies of kept status answers, made once each, for the status fast path: real
 * clients (fetch, browsers, curl --compressed) send Accept-Encoding: gzip, and compressing
 * the same body on every poll would cost more than the rest of the answer. A copy lives as
 * long as its kept answer (a WeakMap on it), so the detail cache's bound and eviction
 * decide; copies add at most what gzip leaves of its 16 MB of bodies.
 */
import { gzip, gzipSync } from 'node:zlib';
import type { KeptAnswer } from './detail-cache.js';

/** Bodies up to this size are compressed at once (tens of µs, once per answer); larger ones off the event loop. */
const COMPRESS_NOW_MAX_BYTES = 64 * 1024;

const copies = new WeakMap<KeptAnswer, Buffer>();
const compressing = new WeakSet<KeptAnswer>();

/**
 * The gzipped body of `answer` (with the compress middleware's defaults, so the bytes are
 * the ones Koa would send), or undefined while a large one is being made: the caller then
 * answers another way.
 */
export function keptGzipOf(answer: KeptAnswer): Buffer | undefined {
  const done = copies.get(answer);
  if (done !== undefined || compressing.has(answer)) return done;
  if (answer.body.length <= COMPRESS_NOW_MAX_BYTES) {
    const compressed = gzipSync(answer.body);
    copies.set(answer, compressed);
    return compressed;
  }
  compressing.add(answer);
  gzip(answer.body, (error, compressed) => {
    compressing.delete(answer);
    // A failure leaves no copy; the next request tries again, and Koa answers meanwhile.
    if (error === null) copies.set(answer, compressed);
  });
  return undefined;
}
