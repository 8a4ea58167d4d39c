import type { ScanMeter } from './secret-text.js';
import { createValueAutomaton, type ValueAutomaton } from './value-automaton.js';

/**
 * The most secrets one masker knows (a value given to add, whatever number of derived forms
 * it brings); past it the one least recently added is forgotten. Every start of an execution
 * with a per-run token brings one: the cap bounds the memory of a server that runs for months
 * (about 6 kB a 37-character token, its forms and their automata's typed arrays: 64 MB at
 * the cap), and a secret forgotten is one no execution, request or configuration has given
 * for 10,000 newer ones, whose events were stored masked when it was known.
 */
export const MAX_SECRETS = 10_000;
/** A recent or middle tier this small is not moved on: rebuilding so few characters costs less than a fold. */
const MIN_RECENT_CHARS = 4_096;

/** The values that hide the secrets a masker knows, and where they occur in a text. */
export interface KnownSecrets {
  /** Whether `secret` is known; a known one counts as added again now (it is forgotten last). */
  refresh(secret: string): boolean;
  /** Adds `secret` with the values that hide it; returns whether any of them is new. */
  add(secret: string, values: readonly string[]): boolean;
  /** The spans `[start, end)` that some known value covers, overlapping ones merged, in order. */
  spans(text: string, meter?: ScanMeter): ReadonlyArray<readonly [number, number]>;
  /** How many secrets are known (what MAX_SECRETS counts). */
  readonly size: number;
  /** How many values an automaton is built from or waits to be: the known secrets', and those of forgotten ones until the next fold. */
  readonly values: number;
}

/** One automaton of values, built at the first scan after they change. */
interface Tier {
  values: Set<string>;
  chars: number;
  automaton: ValueAutomaton | null;
}

/**
 * Creates an empty book of secrets (`build` makes an automaton: tests count what it is given),
 * in three tiers, so that learning one more costs about its own size and not everything
 * known (a server whose every start brings a new secret rebuilt an automaton of all of them
 * at every start):
 * - settled: most values, rebuilt only at a fold of all three;
 * - middle: the recent tiers merged since, rebuilt when the recent one is merged into it;
 * - recent: the values added since, rebuilt at the first scan after an addition (once for a
 *   burst of them).
 * Of N characters known, the recent tier holds up to 24·√N before it moves into the middle
 * one, which holds up to N/4 before the fold: a learn rebuilds at most √N characters (much
 * less when many come before the next scan, as the server's concurrent starts do) and its
 * shares of a middle rebuild (≤ N/4 every √N characters) and of a fold (N every N/4): 2.7 M
 * instructions a learn at 1,000 known tokens, where rebuilding everything took 103 M
 * (docs/performance.md, h-mask2). A scan is one linear pass per tier holding values, three at most.
 * Forgetting a secret takes its values out at the next fold; until then they stay masked
 * (hiding a value still is never the unsafe side).
 */
export function createKnownSecrets(build: (values: ReadonlySet<string>) => ValueAutomaton = createValueAutomaton): KnownSecrets {
  // In the order they were last added: the first is the one forgotten first.
  const secrets = new Map<string, readonly string[]>();
  const tier = (): Tier => ({ values: new Set(), chars: 0, automaton: null });
  let settled = tier();
  let middle = tier();
  let recent = tier();
  const scan = (one: Tier, text: string, meter: ScanMeter | undefined, found: Spans): Spans => {
    if (one.values.size === 0) return found;
    one.automaton ??= build(one.values);
    const spans = one.automaton.spans(text, meter);
    return spans.length === 0 ? found : found.length === 0 ? spans : unionOf(found, spans);
  };

  const fold = (): void => {
    const next = tier();
    for (const forms of secrets.values()) {
      for (const value of forms) {
        if (next.values.has(value)) continue;
        next.values.add(value);
        next.chars += value.length;
      }
    }
    settled = next;
    middle = tier();
    recent = tier();
  };

  const settle = (): void => {
    if (recent.chars <= Math.max(MIN_RECENT_CHARS, 24 * Math.sqrt(settled.chars + middle.chars))) return;
    for (const value of recent.values) middle.values.add(value);
    middle.chars += recent.chars;
    middle.automaton = null;
    recent = tier();
    if (middle.chars > Math.max(MIN_RECENT_CHARS, settled.chars / 4)) fold();
  };

  return {
    refresh(secret) {
      const values = secrets.get(secret);
      if (values === undefined) return false;
      secrets.delete(secret);
      secrets.set(secret, values);
      return true;
    },
    add(secret, values) {
      if (!secrets.delete(secret) && secrets.size >= MAX_SECRETS) {
        const oldest = secrets.keys().next();
        if (oldest.done !== true) secrets.delete(oldest.value);
      }
      secrets.set(secret, values);
      let added = false;
      for (const value of values) {
        if (settled.values.has(value) || middle.values.has(value) || recent.values.has(value)) continue;
        recent.values.add(value);
        recent.chars += value.length;
        added = true;
      }
      if (!added) return false;
      recent.automaton = null;
      settle();
      return true;
    },
    // Called for every string masked: no array made but the answer's.
    spans(text, meter) {
      return scan(recent, text, meter, scan(middle, text, meter, scan(settled, text, meter, NONE)));
    },
    get size() {
      return secrets.size;
    },
    get values() {
      return settled.values.size + middle.values.size + recent.values.size;
    },
  };
}

type Spans = ReadonlyArray<readonly [number, number]>;
const NONE: Spans = [];

/** The union of two ordered lists of disjoint spans, touching or overlapping ones merged, as one automaton of both tiers would answer. */
function unionOf(a: Spans, b: Spans): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && (a[i] as readonly [number, number])[0] <= (b[j] as readonly [number, number])[0]) ? (a[i++] as readonly [number, number]) : (b[j++] as readonly [number, number]);
    const last = out[out.length - 1];
    // As addSpan merges: a span starting where the last ends joins it.
    if (last !== undefined && next[0] <= last[1]) last[1] = Math.max(last[1], next[1]);
    else out.push([next[0], next[1]]);
  }
  return out;
}
