import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEventBus } from '../../../src/engine/event-bus.js';

const event = (execution_id: string, seq: number): ExecutionEvent =>
  ({ execution_id, seq, event_type: 'task_started', task_id: 'a', data: {}, created_at: '2026-12-05T00:00:00.000Z' }) as unknown as ExecutionEvent;

describe('createEventBus()', () => {
  it('delivers each event to the listeners there were when its delivery began', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    let late: (() => void) | null = null;
    const stopFirst = bus.subscribe({}, (e) => {
      seen.push(`first ${e.seq}`);
      if (e.seq === 1) {
        stopFirst();
        late = bus.subscribe({}, (l) => seen.push(`late ${l.seq}`));
      }
    });
    bus.subscribe({}, (e) => seen.push(`second ${e.seq}`));
    bus.publish([event('x', 1), event('x', 2)]);
    bus.publish([event('x', 3)]);
    expect(seen).toEqual(['first 1', 'second 1', 'second 2', 'late 2', 'second 3', 'late 3']);
    expect(late).not.toBeNull();
  });

  it('stops delivering to an unsubscribed listener from the next event on', () => {
    const bus = createEventBus();
    const seen: number[] = [];
    const stop = bus.subscribe({}, (e) => seen.push(e.seq));
    bus.publish([event('x', 1)]);
    stop();
    bus.publish([event('x', 2)]);
    expect(seen).toEqual([1]);
  });

  it('delivers to per-execution listeners only their execution', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.subscribe({ execution_id: 'x' }, (e) => seen.push(`${e.execution_id} ${e.seq}`));
    bus.publish([event('x', 1), event('y', 1), event('x', 2)]);
    expect(seen).toEqual(['x 1', 'x 2']);
  });

  it('tells the subscribers of a deleted execution once, and not those who left or follow another', () => {
    const bus = createEventBus();
    const told: string[] = [];
    bus.subscribe({ execution_id: 'x' }, () => undefined, () => told.push('x first'));
    const leave = bus.subscribe({ execution_id: 'x' }, () => undefined, () => told.push('x left'));
    bus.subscribe({ execution_id: 'y' }, () => undefined, () => told.push('y'));
    leave();
    bus.announceGone(['x', 'z']);
    bus.announceGone(['x']);
    expect(told).toEqual(['x first']);
  });
});
