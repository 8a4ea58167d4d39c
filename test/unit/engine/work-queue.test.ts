import { describe, expect, it } from 'vitest';
import type { WorkRef } from '../../../src/engine/state.js';
import { WorkQueue } from '../../../src/engine/work-queue.js';

const refs = (queue: WorkQueue): WorkRef[] => Array.from({ length: queue.length }, (_, index) => queue.at(index) as WorkRef);

describe('WorkQueue', () => {
  it('keeps refs in order while the first ones leave, across its compactions', () => {
    const queue = new WorkQueue();
    const model: WorkRef[] = [];
    for (let index = 0; index < 5000; index += 1) {
      const ref = { task: `t${index}` };
      queue.push(ref);
      model.push(ref);
    }
    for (let round = 0; round < 4000; round += 1) {
      queue.removeAt(0);
      model.shift();
      if (round % 3 === 0) {
        const ref = { task: `n${round}` };
        queue.push(ref);
        model.push(ref);
      }
      if (round % 997 === 0) expect(refs(queue)).toEqual(model);
    }
    expect(queue.length).toBe(model.length);
    expect(refs(queue)).toEqual(model);
    expect(JSON.stringify(queue)).toBe(JSON.stringify(model));
  });

  it('removes from the middle, finds, tests and filters relative to the front', () => {
    const queue = new WorkQueue();
    for (const task of ['a', 'b', 'c', 'd']) queue.push({ task });
    queue.removeAt(0);
    expect(queue.findIndex((ref) => ref.task === 'c')).toBe(1);
    queue.removeAt(1);
    expect(refs(queue).map((ref) => ref.task)).toEqual(['b', 'd']);
    expect(queue.some((ref) => ref.task === 'd')).toBe(true);
    expect(queue.some((ref) => ref.task === 'a')).toBe(false);
    queue.removeAt(-1);
    queue.removeAt(5);
    expect(queue.length).toBe(2);
    queue.push({ task: 'b', item: 1 });
    queue.retain((ref) => ref.task !== 'b');
    expect(JSON.stringify(queue)).toBe('[{"task":"d"}]');
    queue.removeAt(0);
    expect(queue.length).toBe(0);
    expect(queue.at(0)).toBeUndefined();
  });
});
