/**
 * How much aliases add to a YAML document once expanded, in linear time: each node's
 * expanded size is computed once and an alias costs the size of the node it names.
 */
import { isAlias, isCollection, isPair, isScalar, type Document, type Node } from 'yaml';

/**
 * Bytes (as JSON text, approximately) that expanding every alias adds to the document.
 * Stops counting once past `stopAt`, so a bomb costs no more than the limit.
 */
export function aliasExpansionOf(doc: Document, stopAt: number): number {
  const sizes = new Map<unknown, number>();
  let added = 0;
  const sizeOf = (node: unknown): number => {
    if (node === null || node === undefined) return 4;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // An alias inside the node it names (a cycle) counts once.
    sizes.set(node, 1);
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      size = target === undefined ? 1 : sizeOf(target);
      added += size;
      // The alias node is memoised too, but each occurrence is a separate node.
    } else if (isScalar(node)) {
      size = String(node.value).length + 2;
    } else if (isCollection(node)) {
      size = 2;
      for (const item of node.items) {
        if (added > stopAt) break;
        size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) + 2 : sizeOf(item) + 1;
      }
    }
    sizes.set(node, size);
    return size;
  };
  sizeOf(doc.contents as Node | null);
  return added;
}
