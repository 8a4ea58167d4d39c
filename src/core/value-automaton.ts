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
 * Nodes are indexes into flat arrays, and a node keeps its first move inline: most nodes of a
 * set of tokens and their base64 forms have one move only (a value's tail shares no prefix
 * with another), so only the nodes where values part ways get a Map. A Map per node made a
 * masker's rebuild after each new secret cost most of its time in allocation.
 */
export function createValueAutomaton(values: Iterable<string>): ValueAutomaton {
  // Per node: its inline move (character, or -1 for none, and target), its other moves, its
  // fail link and the length of the longest value ending there (own, or through fail links; 0 when none).
  const moveChar: number[] = [-1];
  const moveTo: number[] = [0];
  const moreMoves: Array<Map<number, number> | undefined> = [undefined];
  const fail: number[] = [0];
  const longest: number[] = [0];

  const step = (node: number, c: number): number | undefined => (moveChar[node] === c ? moveTo[node] : moreMoves[node]?.get(c));
  const addMove = (node: number, c: number, to: number): void => {
    if (moveChar[node] === -1) {
      moveChar[node] = c;
      moveTo[node] = to;
    } else {
      let more = moreMoves[node];
      if (more === undefined) {
        more = new Map();
        moreMoves[node] = more;
      }
      more.set(c, to);
    }
  };
  const forEachMove = (node: number, visit: (c: number, to: number) => void): void => {
    const c = moveChar[node] as number;
    if (c !== -1) visit(c, moveTo[node] as number);
    const more = moreMoves[node];
    if (more !== undefined) for (const [d, to] of more) visit(d, to);
  };

  for (const value of values) {
    let at = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      let to = step(at, c);
      if (to === undefined) {
        to = moveChar.length;
        moveChar.push(-1);
        moveTo.push(0);
        moreMoves.push(undefined);
        fail.push(0);
        longest.push(0);
        addMove(at, c, to);
      }
      at = to;
    }
    if (value.length > (longest[at] as number)) longest[at] = value.length;
  }
  const count = moveChar.length;
  // Breadth first, so a node's fail target is finished before the node.
  const queue = new Int32Array(count);
  let tail = 0;
  forEachMove(0, (_c, child) => (queue[tail++] = child));
  for (let head = 0; head < tail; head++) {
    const node = queue[head] as number;
    forEachMove(node, (c, child) => {
      let f = fail[node] as number;
      while (f !== 0 && step(f, c) === undefined) f = fail[f] as number;
      const target = step(f, c);
      const linked = target !== undefined && target !== child ? target : 0;
      fail[child] = linked;
      longest[child] = Math.max(longest[child] as number, longest[linked] as number);
      queue[tail++] = child;
    });
  }

  // The root's moves for ASCII in an array (0: none; no move leads back to the root): a scan
  // spends most characters at the root, where a Map lookup each was most of its cost.
  const rootAscii = new Int32Array(ASCII);
  forEachMove(0, (c, child) => {
    if (c < ASCII) rootAscii[c] = child;
  });

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
          to = moveChar[at] === c ? moveTo[at] : moreMoves[at]?.get(c);
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
