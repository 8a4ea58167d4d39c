import { describe, expect, it } from 'vitest';
import { MAX_SECRETS, createKnownSecrets } from '../../../src/core/known-secrets.js';
import { createValueAutomaton } from '../../../src/core/value-automaton.js';

// Deterministic: a failure names the same values every run.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('createKnownSecrets()', () => {
  it('finds the spans one automaton of every value finds, whichever tier holds each value', () => {
    const next = random(7);
    const word = (length: number): string => Array.from({ length }, () => 'abcd'[Math.floor(next() * 4)]).join('');
    const pick = (values: string[]): string => values[Math.floor(next() * values.length)] as string;
    const book = createKnownSecrets();
    const values: string[] = [];
    const spanCounts = new Set<number>();
    for (let i = 0; i < 3_000; i += 1) {
      const value = word(20 + Math.floor(next() * 20));
      values.push(value);
      book.add(`secret ${i}`, [value]);
      if (i % 37 !== 0) continue;
      // Known values, whole and cut, overlapping and touching, between random letters: spans of
      // several tiers meet in one text. Scanned at every stage: just after a fold, with the
      // middle and recent tiers growing.
      const text = Array.from({ length: 30 }, () => {
        const known = pick(values);
        return next() < 0.5 ? known : next() < 0.5 ? known.slice(0, -3) + word(2) : word(5);
      }).join('');
      const spans = book.spans(text);
      spanCounts.add(spans.length);
      expect(spans, `after ${i + 1} secrets`).toEqual(createValueAutomaton(values).spans(text));
    }
    expect(spanCounts.size).toBeGreaterThan(3);
  });

  it('inspects each character of a text a bounded number of times in every tier', () => {
    const book = createKnownSecrets();
    // Values of one letter repeated, the classic worst case of naive matching, in every tier.
    for (let i = 0; i < 2_000; i += 1) book.add(`s${i}`, [`${'a'.repeat(4 + (i % 60))}${String.fromCharCode(0x100 + i)}`]);
    const text = 'a'.repeat(1 << 20);
    const meter = { steps: 0 };
    book.spans(text, meter);
    expect(meter.steps / text.length).toBeLessThanOrEqual(3 * 2);
  });

  it('builds about the square root of what it knows when it learns one more, not all of it', () => {
    let built = 0;
    const book = createKnownSecrets((values) => {
      for (const value of values) built += value.length;
      return createValueAutomaton(values);
    });
    const token = (i: number): string => `tok_${String(i).padStart(8, '0')}_${'k'.repeat(24)}`;
    for (let i = 0; i < 5_000; i += 1) book.add(token(i), [token(i)]);
    book.spans('warm');
    const known = 5_000 * token(0).length;
    built = 0;
    for (let i = 0; i < 200; i += 1) {
      book.add(token(10_000 + i), [token(10_000 + i)]);
      expect(book.spans(`x ${token(10_000 + i)} y`)).toEqual([[2, 2 + token(0).length]]);
    }
    // Rebuilding everything known at each learn built 200 × 185,000 characters.
    expect(built / 200).toBeLessThan(known / 10);
  });

  it('counts secrets, however many values each brings, and forgets the least recently added first', () => {
    const book = createKnownSecrets();
    book.add('oldest', ['oldest-a', 'oldest-b']);
    book.add('refreshed', ['refreshed-a']);
    for (let i = 0; i < MAX_SECRETS - 2; i += 1) book.add(`s${i}`, [`value-${i}-a`, `value-${i}-b`, `value-${i}-c`]);
    expect(book.size).toBe(MAX_SECRETS);
    expect(book.refresh('refreshed')).toBe(true);
    book.add('newest', ['newest-a']);
    expect(book.size).toBe(MAX_SECRETS);
    expect(book.refresh('oldest')).toBe(false);
    expect(book.refresh('refreshed')).toBe(true);
    expect(book.refresh('s0')).toBe(true);
  });

  it('leaves out the values of forgotten secrets at the next fold, and keeps one another secret shares', () => {
    const book = createKnownSecrets();
    book.add('gone', ['shared-value', 'own-value']);
    book.add('stays', ['shared-value']);
    for (let i = 0; i < MAX_SECRETS + 5_000; i += 1) book.add(`s${i}`, [`value-${i}`]);
    book.refresh('stays');
    expect(book.refresh('gone')).toBe(false);
    expect(book.spans('own-value')).toEqual([]);
    expect(book.values).toBeLessThan(2 * MAX_SECRETS);
  });
});
