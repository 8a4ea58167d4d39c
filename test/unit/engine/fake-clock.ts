import type { Clock } from '../../../src/engine/clock.js';

/** A clock that moves only when a test calls advance(). */
export class FakeClock implements Clock {
  private current = Date.parse('2026-01-01T00:00:00Z');
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  /** Timers armed and not yet fired. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > target) break;
      this.timers.shift();
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }
}
