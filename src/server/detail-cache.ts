/**
 * The answers of GET /executions/:id for finished executions, kept serialised and masked
 * with their ETag. A finished execution changes only by appending events (a retry, a
 * rerun), which moves its last_seq and updated_at, and its masked form changes only when
 * the masker learns a value; an entry is used only while all three are what they were.
 * Where the store keeps change marks (SQLite), an entry is also found by the mark taken
 * before its row was read: the same mark means nothing moved, so a status poll of a
 * finished execution then reads no row at all. Elsewhere (PostgreSQL, where another node
 * may move the execution) the row is read and compared on every poll.
 */
import type { ExecutionRecord } from '../core/model.js';
import type { SecretMasker } from '../core/secret-masker.js';
import { weakEtag } from './etag.js';
import { lowWater } from '../core/low-water.js';

/** Past this many bytes of kept answers, the least recently read go first (until an eighth is free). */
export const DETAIL_CACHE_MAX_BYTES = 16 * 1024 * 1024;

const FINISHED = new Set(['completed', 'failed', 'canceled']);

interface Entry {
  last_seq: number;
  updated_at: string;
  status: string;
  generation: number;
  /** The store's change mark taken before the row was read; null when it keeps none. */
  mark: number | null;
  answer: KeptAnswer;
}

/** A kept answer: the masked JSON, encoded once (a string would be encoded on every send), and its weak ETag. */
export interface KeptAnswer {
  body: Buffer;
  etag: string;
}

export interface DetailCache {
  /**
   * The kept answer for this record, or undefined when none is current; a current one is
   * kept from then on under `mark`, the change mark taken before `record` was read.
   */
  get(record: ExecutionRecord, mark: number | null): KeptAnswer | undefined;
  /** The kept answer of execution `id` if it was kept under the same change mark. */
  getByMark(id: string, mark: number): KeptAnswer | undefined;
  /**
   * Keeps `json` (already masked) as the answer for `record` when it is finished, under the
   * change mark taken before `record` was read; returns it with its ETag.
   */
  put(record: ExecutionRecord, status: string, json: string, mark: number | null): KeptAnswer;
}

const caches = new WeakMap<SecretMasker, DetailCache>();

/** The cache of the engine whose masker is `masker` (one per server). */
export function detailCacheFor(masker: SecretMasker): DetailCache {
  let cache = caches.get(masker);
  if (cache === undefined) {
    cache = createDetailCache(masker);
    caches.set(masker, cache);
  }
  return cache;
}

/** Creates a cache holding up to `maxBytes` of answers. */
export function createDetailCache(masker: SecretMasker, maxBytes = DETAIL_CACHE_MAX_BYTES): DetailCache {
  // A Map iterates in insertion order: re-inserting on each read makes it an LRU.
  const entries = new Map<string, Entry>();
  let bytes = 0;

  const drop = (id: string, entry: Entry): void => {
    entries.delete(id);
    bytes -= entry.answer.body.length;
  };
  const touch = (id: string, entry: Entry): KeptAnswer => {
    entries.delete(id);
    entries.set(id, entry);
    return entry.answer;
  };

  return {
    get(record, mark) {
      const entry = entries.get(record.id);
      if (entry === undefined) return undefined;
      if (entry.last_seq !== record.last_seq || entry.updated_at !== record.updated_at || entry.status !== record.status || entry.generation !== masker.generation) {
        drop(record.id, entry);
        return undefined;
      }
      // Another execution's write elsewhere moved every mark; the row shows this one did not move.
      entry.mark = mark;
      return touch(record.id, entry);
    },
    getByMark(id, mark) {
      const entry = entries.get(id);
      if (entry === undefined || entry.mark !== mark || entry.generation !== masker.generation) return undefined;
      return touch(id, entry);
    },
    put(record, status, json, mark) {
      const body = Buffer.from(json);
      const answer: KeptAnswer = { body, etag: weakEtag(body) };
      // Only a finished execution whose row and fold agree: a running one changes under us.
      if (!FINISHED.has(record.status) || status !== record.status || body.length > maxBytes / 4) return answer;
      const previous = entries.get(record.id);
      if (previous) drop(record.id, previous);
      entries.set(record.id, { last_seq: record.last_seq, updated_at: record.updated_at, status: record.status, generation: masker.generation, mark, answer });
      bytes += body.length;
      if (bytes <= maxBytes) return answer;
      // Down to the low-water mark in one pass (see lowWater).
      const low = lowWater(maxBytes);
      for (const [id, old] of entries) {
        if (bytes <= low) break;
        drop(id, old);
      }
      return answer;
    },
  };
}
