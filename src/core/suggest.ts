/**
 * "Did you mean" hints. Every diagnostic about an unknown name asks for one, so a file of
 * many typos asks many times: one suggestion costs bounded work whatever the number of
 * candidates or the length of the names, and a run stays linear in its input.
 */

/** Counts the table cells a suggestion fills, so tests can prove its work bounded without a clock. */
export interface SuggestMeter {
  steps: number;
}

/** Names longer than this get no suggestion: no one mistypes a 64-character name by one letter. */
const MAX_NAME_LENGTH = 64;

/** Candidates looked at per suggestion; past it (a huge tree) the hint may miss a better one. */
const MAX_CANDIDATES = 1000;

// Three reused rows (the adjacent swap reads two rows back): a suggestion compares a name
// with up to MAX_CANDIDATES others, and allocating per comparison was most of its cost.
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(66), new Int32Array(66), new Int32Array(66)];

/**
 * Edit distance between two strings (insertions, deletions, substitutions, adjacent swaps).
 * With `max`, stops as soon as the distance must exceed it and returns `max + 1`, filling
 * only the cells within `max` of the diagonal: O(length × max) instead of O(length²).
 */
export function editDistance(a: string, b: string, max = Infinity, meter?: SuggestMeter): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  const big = a.length + b.length + 1;
  const band = Math.min(max, big);
  if (rows[0].length < cols + 1) rows = [new Int32Array(cols + 1), new Int32Array(cols + 1), new Int32Array(cols + 1)];
  let [before, previous, current] = rows;
  for (let j = 0; j < cols; j++) previous[j] = j;
  previous[cols] = big;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(b.length, i + band);
    current[0] = i;
    // The cells just outside the band are read by this row and the next: they count as far.
    if (from > 1) current[from - 1] = big;
    current[to + 1] = big;
    let rowMin = from === 1 ? i : big;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (meter) meter.steps += to - from + 1;
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  const distance = previous[b.length]!;
  return distance > max ? max + 1 : distance;
}

/**
 * The candidate closest to `name`, when it is close enough to be a likely typo
 * (at most a third of the name's length, and at least one edit allowed). Ties go to the
 * earliest candidate.
 */
export function suggest(name: string, candidates: Iterable<string>, meter?: SuggestMeter): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  let looked = 0;
  for (const candidate of candidates) {
    if (looked++ >= MAX_CANDIDATES) break;
    if (candidate === name) continue;
    // One edit turns any one-letter name into any other: for very short names,
    // only suggest candidates that start the same way.
    if (name.length <= 2 && candidate[0]?.toLowerCase() !== lower[0]) continue;
    // Only a strictly nearer candidate can win, so the search is bounded by the best so far.
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance - 1, meter);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** `did you mean 'x'?` for the nearest candidate, or undefined when none is near. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const near = suggest(name, candidates);
  return near === undefined ? undefined : `did you mean '${near}'?`;
}
