/**
 * Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random
 * bits. Ids made later sort later, so a B-tree keyed by them (an execution's row, its
 * events) grows at its right edge: each commit dirties the few pages at the end instead of
 * one page per execution scattered over the whole tree, which a random UUID costs in page
 * writes to the log, cache misses and checkpoints. Still a UUID in the 8-4-4-4-12 form.
 */
import { randomFillSync } from 'node:crypto';

// Random bytes drawn in blocks, as randomUUID does: one call to the system's source per
// 512 ids instead of one per id.
const POOL_IDS = 512;
const pool = Buffer.alloc(10 * POOL_IDS);
let offset = pool.length;

/** The character codes of each byte's two hex digits, high then low. */
const HEX_CODES: Uint8Array = (() => {
  const codes = new Uint8Array(512);
  const digits = '0123456789abcdef';
  for (let byte = 0; byte < 256; byte += 1) {
    codes[2 * byte] = digits.charCodeAt(byte >>> 4);
    codes[2 * byte + 1] = digits.charCodeAt(byte & 0x0f);
  }
  return codes;
})();
/** The 36 character codes of the id being made. */
const CODES: number[] = Array.from({ length: 36 }, () => 0x2d);

/** Writes `byte`'s two hex digits at `at`. */
function hexAt(at: number, byte: number): void {
  const from = 2 * (byte & 0xff);
  CODES[at] = HEX_CODES[from] as number;
  CODES[at + 1] = HEX_CODES[from + 1] as number;
}

/**
 * A new version-7 UUID for time `ms` (Unix milliseconds). Made as one flat string from its
 * character codes: joined from 25 pieces it was a tree of intermediate strings (~600 bytes
 * per id) that every later hash or write of the id flattened first.
 */
export function timeOrderedId(ms: number = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 10;
  const high = Math.floor(ms / 0x1_0000);
  const low = ms % 0x1_0000;
  hexAt(0, high >>> 24);
  hexAt(2, high >>> 16);
  hexAt(4, high >>> 8);
  hexAt(6, high);
  hexAt(9, low >>> 8);
  hexAt(11, low);
  hexAt(14, 0x70 | ((pool[r] as number) & 0x0f));
  hexAt(16, pool[r + 1] as number);
  hexAt(19, 0x80 | ((pool[r + 2] as number) & 0x3f));
  hexAt(21, pool[r + 3] as number);
  for (let index = 0; index < 6; index += 1) hexAt(24 + 2 * index, pool[r + 4 + index] as number);
  return String.fromCharCode.apply(null, CODES);
}
