import type { ScanMeter } from './secret-text.js';
import { createValueAutomaton, type ValueAutomaton } from './value-automaton.js';

/**
 * The most secrets one masker knows (a value given to add, whatever number of derived forms
 * it brings); past it the one least recently added is forgotten. Every start of an execution
 * with a per-run token brings one: the cap bounds the memory of a server that runs for months
 * (about 5 kB a 32-character token, its forms and their automaton nodes), and a secret
 * forgotten is one no execution, request or configuration has given for 10,000 newer ones,
 * whose events were stored masked when it was known.
 */
export const MAX_SECRETS = 10_000;
/** Below this many characters the recent tier is never folded: rebuilding so few costs less than a second scan. */
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

/**
 * Creates an empty book of secrets (`build` makes an automaton: tests count what it is given), in two tiers, so that learning one more costs about its
 * own size and not everything known (a server whose every start brings a new secret rebuilt an
 * automaton of all of them at every start):
 * - the settled tier: one automaton of most values, rebuilt only at a fold;
 * - the recent tier: the values added since, in an automaton rebuilt at the first scan after
 *   an addition (once for a burst of them), scanned too.
 * When the recent tier's characters pass about the square root of the settled tier's, the
 * two are folded into one settled tier: a fold costs what everything known costs, once every
 * √N new characters, and a learn rebuilds at most √N characters of the recent tier — the sum
 * the least for two tiers. Each scan stays linear in the text: one pass per tier, and the
 * recent tier's pass is empty-rooted for most characters.
 * Forgetting a secret takes its values out at the next fold; until then they stay masked
 * (hiding a value still is never the unsafe side).
 */
export function createKnownSecrets(build: (values: ReadonlySet<string>) => ValueAutomaton = createValueAutomaton): KnownSecrets {
  // In the order they were last added: the first is the one forgotten first.
  const secrets = new Map<string, readonly string[]>();
  let settled = new Set<string>();
  let settledChars = 0;
  let settledAutomaton: ValueAutomaton | null = null;
  let recent = new Set<string>();
  let recentChars = 0;
  let recentAutomaton: ValueAutomaton | null = null;

  const fold = (): void => {
    const values = new Set<string>();
    let chars = 0;
    for (const forms of secrets.values()) {
      for (const value of forms) {
        if (values.has(value)) continue;
        values.add(value);
        chars += value.length;
      }
    }
    settled = values;
    settledChars = chars;
    settledAutomaton = null;
    recent = new Set();
    recentChars = 0;
    recentAutomaton = null;
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
        if (settled.has(value) || recent.has(value)) continue;
        recent.add(value);
        recentChars += value.length;
        added = true;
      }
      if (!added) return false;
      recentAutomaton = null;
      if (recentChars > Math.max(MIN_RECENT_CHARS, 24 * Math.sqrt(settledChars))) fold();
      return true;
    },
    spans(text, meter) {
      if (settled.size > 0) settledAutomaton ??= build(settled);
      if (recent.size > 0) recentAutomaton ??= build(recent);
      const older = settledAutomaton === null || settled.size === 0 ? NONE : settledAutomaton.spans(text, meter);
      const newer = recentAutomaton === null || recent.size === 0 ? NONE : recentAutomaton.spans(text, meter);
      return newer.length === 0 ? older : older.length === 0 ? newer : unionOf(older, newer);
    },
    get size() {
      return secrets.size;
    },
    get values() {
      return settled.size + recent.size;
    },
  };
}

const NONE: ReadonlyArray<readonly [number, number]> = [];

/** The union of two ordered lists of disjoint spans, touching or overlapping ones merged, as one automaton of both tiers would answer. */
function unionOf(a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
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
