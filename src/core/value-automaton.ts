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

/**
 * Builds the automaton; cost linear in the total length of the values.
 *
 * Nodes are indexes into typed arrays, and a node keeps its first move inline: most nodes of a
 * set of tokens and their base64 forms have one move only (a value's tail shares no prefix
 * with another), so only the nodes where values part ways get a Map. An object and a Map per
 * node made a masker's rebuild after each new secret cost most of its time in allocation.
 */
export function createValueAutomaton(values: Iterable<string>): ValueAutomaton {
  const list = Array.isArray(values) ? (values as string[]) : [...values];
  // At most one node per character, plus the root: typed arrays sized once, nothing grown.
  let bound = 1;
  for (const value of list) bound += value.length;
  // Per node: its inline move (character, or -1 for none, and target), its other moves, its
  // fail link and the length of the longest value ending there (own, or through fail links; 0 when none).
  const moveChar = new Int32Array(bound).fill(-1);
  const moveTo = new Int32Array(bound);
  const moreMoves = new Map<number, Map<number, number>>();
  // 1 for the nodes moreMoves holds: a scan tests this before looking a node up there.
  const branches = new Uint8Array(bound);
  const fail = new Int32Array(bound);
  const longest = new Int32Array(bound);
  let count = 1;

  const step = (node: number, c: number): number | undefined =>
    moveChar[node] === c ? moveTo[node] : branches[node] === 1 ? moreMoves.get(node)?.get(c) : undefined;

  for (const value of list) {
    let at = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      let to = step(at, c);
      if (to === undefined) {
        to = count++;
        if (moveChar[at] === -1) {
          moveChar[at] = c;
          moveTo[at] = to;
        } else {
          let more = moreMoves.get(at);
          if (more === undefined) {
            more = new Map();
            moreMoves.set(at, more);
            branches[at] = 1;
          }
          more.set(c, to);
        }
      }
      at = to;
    }
    if (value.length > (longest[at] as number)) longest[at] = value.length;
  }
  // Breadth first, so a node's fail target is finished before the node.
  const queue = new Int32Array(count);
  let tail = 0;
  const link = (node: number, c: number, child: number): void => {
    if (node !== 0) {
      let f = fail[node] as number;
      while (f !== 0 && step(f, c) === undefined) f = fail[f] as number;
      const target = step(f, c);
      const linked = target !== undefined && target !== child ? target : 0;
      fail[child] = linked;
      if ((longest[linked] as number) > (longest[child] as number)) longest[child] = longest[linked] as number;
    }
    queue[tail++] = child;
  };
  for (let head = -1; head < tail; head++) {
    const node = head < 0 ? 0 : (queue[head] as number);
    const c = moveChar[node] as number;
    if (c !== -1) link(node, c, moveTo[node] as number);
    const more = moreMoves.get(node);
    if (more !== undefined) for (const [d, child] of more) link(node, d, child);
  }

  // The root's moves for ASCII in an array (0: none; no move leads back to the root): a scan
  // spends most characters at the root, where a Map lookup each was most of its cost.
  const rootAscii = new Int32Array(ASCII);
  if ((moveChar[0] as number) !== -1 && (moveChar[0] as number) < ASCII) rootAscii[moveChar[0] as number] = moveTo[0] as number;
  for (const [c, child] of moreMoves.get(0) ?? []) if (c < ASCII) rootAscii[c] = child;

  return {
    spans(text, meter) {
      // Made at the first match: most texts hold none, and share one empty answer.
      let spans: Array<[number, number]> | null = null;
      if (count === 1) return NONE;
      let at = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        // Each fail step shortens the current match, which grew by at most one per character:
        // the fail steps of a whole pass are at most its length.
        let to: number | undefined;
        while (at !== 0) {
          to = step(at, c);
          if (to !== undefined) break;
          at = fail[at] as number;
          if (meter) meter.steps++;
        }
        if (at === 0) to = c < ASCII ? rootAscii[c] : step(0, c);
        at = to ?? 0;
        if (meter) meter.steps++;
        if (at === 0) continue;
        const found = longest[at] as number;
        if (found > 0) addSpan((spans ??= []), i + 1 - found, i + 1);
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
