import { describe, expect, it } from 'vitest';
import { createReadBatch } from '../../../../src/store/postgres/read-batch.js';

/** A batcher over a fake table, recording every call it makes. */
function fake(table: Record<string, { n: number }>) {
  const calls: Array<{ kind: 'one' | 'many'; keys: string[] }> = [];
  const read = createReadBatch<{ n: number } | null>({
    one: async (key) => (calls.push({ kind: 'one', keys: [key] }), table[key] ?? null),
    many: async (keys) => {
      calls.push({ kind: 'many', keys });
      return new Map(keys.filter((key) => table[key]).map((key) => [key, table[key] as { n: number }]));
    },
    absent: () => null,
  });
  return { read, calls };
}

describe('createReadBatch()', () => {
  it('answers every key asked for in one turn with one read of them all', async () => {
    const { read, calls } = fake({ a: { n: 1 }, b: { n: 2 } });
    const answers = await Promise.all([read('a'), read('b'), read('c')]);
    expect(answers).toEqual([{ n: 1 }, { n: 2 }, null]);
    expect(calls).toEqual([{ kind: 'many', keys: ['a', 'b', 'c'] }]);
  });

  it('reads a key asked for alone with the single-key read', async () => {
    const { read, calls } = fake({ a: { n: 1 } });
    expect(await read('a')).toEqual({ n: 1 });
    expect(await read('b')).toBeNull();
    expect(calls).toEqual([{ kind: 'one', keys: ['a'] }, { kind: 'one', keys: ['b'] }]);
  });

  it('gives callers of the same key in one turn equal answers that share no object', async () => {
    const { read, calls } = fake({ a: { n: 1 } });
    const [first, second] = await Promise.all([read('a'), read('a')]);
    expect(first).toEqual(second);
    expect(first).not.toBe(second);
    expect(calls).toEqual([{ kind: 'one', keys: ['a'] }]);
  });

  it('rejects every caller of a turn when its read fails', async () => {
    const read = createReadBatch<number>({
      one: () => Promise.reject(new Error('down')),
      many: () => Promise.reject(new Error('down')),
      absent: () => 0,
    });
    const results = await Promise.allSettled([read('a'), read('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('starts a new batch for keys asked for after the last one left', async () => {
    const { read, calls } = fake({ a: { n: 1 }, b: { n: 2 } });
    const first = read('a');
    await Promise.resolve();
    const second = read('b');
    await Promise.all([first, second]);
    expect(calls).toEqual([{ kind: 'one', keys: ['a'] }, { kind: 'one', keys: ['b'] }]);
  });
});
