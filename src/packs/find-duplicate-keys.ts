/**
 * Duplicate mapping keys, found in one pass. yaml's own `uniqueKeys` check compares each
 * key with every earlier key of its map, which is quadratic: a workflow of 25k tasks spent
 * seconds there. This keeps one set per map instead, with the same notion of equal keys
 * (the same node, or scalars with the same value).
 */
import { isMap, isScalar, visit, type Document } from 'yaml';

/** Where a repeated key starts (offset into the text) and its text. */
export interface DuplicateKey {
  offset: number;
  key: string;
}

function keyOf(node: unknown): unknown {
  if (isScalar(node)) return typeof node.value === 'string' ? `s:${node.value}` : node.value;
  return node;
}

/** Every key that repeats an earlier key of the same mapping, in document order. */
export function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = keyOf(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const node = pair.key as { range?: [number, number, number] } | null;
        found.push({ offset: node?.range?.[0] ?? 0, key: isScalar(pair.key) ? String(pair.key.value) : '' });
      }
    },
  });
  return found;
}
