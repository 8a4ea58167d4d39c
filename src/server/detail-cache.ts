/**
 * The answers of GET /executions/:id for finished executions, kept serialised and masked.
 * A finished execution changes only by appending events (a retry, a rerun), which moves
 * its last_seq and updated_at, and its masked form changes only when the masker learns a
 * value; an entry is used only while all three are what they were. So a status poll of a
 * finished execution costs the read of its row (the freshness check, which another node
 * may have moved) and no fold, status report, masking or serialisation.
 */
import type { ExecutionRecord } from '../core/model.js';
import type { SecretMasker } from '../core/secret-masker.js';

/** Past this many bytes of kept answers, the least recently read go first. */
export const DETAIL_CACHE_MAX_BYTES = 16 * 1024 * 1024;

const FINISHED = new Set(['completed', 'failed', 'canceled']);

interface Entry {
  last_seq: number;
  updated_at: string;
  status: string;
  generation: number;
  json: string;
}

export interface DetailCache {
  /** The kept answer for this record, or undefined when none is current. */
  get(record: ExecutionRecord): string | undefined;
  /** Keeps `json` (already masked) as the answer for `record` when it is finished; returns `json`. */
  put(record: ExecutionRecord, status: string, json: string): string;
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

/** Creates a cache holding up to `maxBytes` of answers (counted as string lengths). */
export function createDetailCache(masker: SecretMasker, maxBytes = DETAIL_CACHE_MAX_BYTES): DetailCache {
  // A Map iterates in insertion order: re-inserting on each read makes it an LRU.
  const entries = new Map<string, Entry>();
  let bytes = 0;

  const drop = (id: string, entry: Entry): void => {
    entries.delete(id);
    bytes -= entry.json.length;
  };

  return {
    get(record) {
      const entry = entries.get(record.id);
      if (entry === undefined) return undefined;
      if (entry.last_seq !== record.last_seq || entry.updated_at !== record.updated_at || entry.status !== record.status || entry.generation !== masker.generation) {
        drop(record.id, entry);
        return undefined;
      }
      entries.delete(record.id);
      entries.set(record.id, entry);
      return entry.json;
    },
    put(record, status, json) {
      // Only a finished execution whose row and fold agree: a running one changes under us.
      if (!FINISHED.has(record.status) || status !== record.status || json.length > maxBytes / 4) return json;
      const previous = entries.get(record.id);
      if (previous) drop(record.id, previous);
      entries.set(record.id, { last_seq: record.last_seq, updated_at: record.updated_at, status: record.status, generation: masker.generation, json });
      bytes += json.length;
      for (const [id, old] of entries) {
        if (bytes <= maxBytes) break;
        drop(id, old);
      }
      return json;
    },
  };
}
