import type { ScanMeter } from './secret-text.js';

/**
 * An Aho–Corasick automaton over a set of strings: one pass over a text finds every
 * occurrence of every string, in time linear in the text plus the matches, however many
 * strings there are and however they overlap (no per-value regular expression).
 */
export interface ValueAutomaton {
  /**
   * The spans `[start, end)` that some value covers, overlapping ones merged, in order.
   * Empty when no value occurs.
   */
  spans(text: string, meter?: ScanMeter): ReadonlyArray<readonly [number, number]>;
}

/** Character codes below this take the root's array of moves. */
const ASCII = 128;
/** The answer for every text no value occurs in. */
const NONE: ReadonlyArray<readonly [number, number]> = [];

interface Node {
  next: Map<number, number>;
  fail: number;
  /** Length of the longest value ending at this node (own, or through fail links); 0 when none. */
  longest: number;
}

/** Builds the automaton; cost linear in the total length of the values. */
export function createValueAutomaton(values: Iterable<string>): ValueAutomaton {
  const nodes: Node[] = [{ next: new Map(), fail: 0, longest: 0 }];
  for (const value of values) {
    let at = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      let to = (nodes[at] as Node).next.get(c);
      if (to === undefined) {
        to = nodes.length;
        nodes.push({ next: new Map(), fail: 0, longest: 0 });
        (nodes[at] as Node).next.set(c, to);
      }
      at = to;
    }
    const end = nodes[at] as Node;
    if (value.length > end.longest) end.longest = value.length;
  }
  // Breadth first, so a node's fail target is finished before the node.
  const queue: number[] = [];
  for (const child of (nodes[0] as Node).next.values()) queue.push(child);
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head] as number;
    const node = nodes[index] as Node;
    for (const [c, child] of node.next) {
      let f = node.fail;
      while (f !== 0 && !(nodes[f] as Node).next.has(c)) f = (nodes[f] as Node).fail;
      const target = (nodes[f] as Node).next.get(c);
      const childNode = nodes[child] as Node;
      childNode.fail = target !== undefined && target !== child ? target : 0;
      childNode.longest = Math.max(childNode.longest, (nodes[childNode.fail] as Node).longest);
      queue.push(child);
    }
  }

  // The root's moves for ASCII in an array (0: none; no move leads back to the root): a scan
  // spends most characters at the root, where a Map lookup each was most of its cost.
  const root = nodes[0] as Node;
  const rootAscii = new Int32Array(ASCII);
  for (const [c, child] of root.next) if (c < ASCII) rootAscii[c] = child;

  return {
    spans(text, meter) {
      // Made at the first match: most texts hold none, and share one empty answer.
      let spans: Array<[number, number]> | null = null;
      if (nodes.length === 1) return NONE;
      let at = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        // Each fail step shortens the current match, which grew by at most one per character:
        // the fail steps of a whole pass are at most its length.
        let to: number | undefined;
        while (at !== 0) {
          const node = nodes[at] as Node;
          to = node.next.get(c);
          if (to !== undefined) break;
          at = node.fail;
          if (meter) meter.steps++;
        }
        if (at === 0) to = c < ASCII ? rootAscii[c] : root.next.get(c);
        at = to ?? 0;
        if (meter) meter.steps++;
        if (at === 0) continue;
        const longest = (nodes[at] as Node).longest;
        if (longest > 0) addSpan((spans ??= []), i + 1 - longest, i + 1);
      }
      return spans ?? NONE;
    },
  };
}

/** Adds a span ending after every earlier one, merging the ones it overlaps (amortised O(1)). */
function addSpan(spans: Array<[number, number]>, start: number, end: number): void {
  let from = start;
  while (spans.length > 0) {
    const last = spans[spans.length - 1] as [number, number];
    if (last[1] < from) break;
    from = Math.min(from, last[0]);
    spans.pop();
  }
  spans.push([from, end]);
}
