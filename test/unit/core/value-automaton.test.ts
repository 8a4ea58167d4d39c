import { describe, expect, it } from 'vitest';
import { createValueAutomaton } from '../../../src/core/value-automaton.js';

/** Every occurrence of every value, touching and overlapping ones merged: what spans() must give. */
function naiveSpans(values: readonly string[], text: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const value of values) {
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) found.push([at, at + value.length]);
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of found) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

describe('createValueAutomaton()', () => {
  // ASCII takes the root's array of moves, the rest its map (accents, the euro sign, surrogate pairs).
  it('finds what a naive search finds, on seeded random values and texts over ASCII and other characters', () => {
    const seed = 20261205;
    let state = seed;
    const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['a', 'b', 'c', '-', 'é', '€', '\u{1F600}'];
    const word = (length: number): string => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let round = 0; round < 2000; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 5) }, () => word(1 + Math.floor(random() * 5))).filter((v) => v !== '');
      const automaton = createValueAutomaton(values);
      for (let text = 0; text < 10; text++) {
        const sample = word(Math.floor(random() * 30));
        expect(automaton.spans(sample), `seed ${seed}, values ${JSON.stringify(values)}, text ${JSON.stringify(sample)}`).toEqual(naiveSpans(values, sample));
      }
    }
  });

  it('counts one step per character and one per fail move in its meter', () => {
    const meter = { steps: 0 };
    createValueAutomaton(['abcd']).spans('abcabcd', meter);
    // 7 characters; at the second 'a' the match 'abc' fails back to the root once.
    expect(meter.steps).toBe(8);
  });
});
