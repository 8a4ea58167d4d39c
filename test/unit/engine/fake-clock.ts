import type { Clock } from '../../../src/engine/clock.js';

/**
 * A clock that moves only when a test calls advance(); a timer armed for now fires on the
 * next turn of the event loop, as a real one would. With `fire_early_ms`, each timer
 * fires while now() is still that much short of its target, as Node's timers sometimes do.
 */
export class FakeClock implements Clock {
  private current = Date.parse('2026-01-01T00:00:00Z');
  constructor(private readonly options: { fire_early_ms?: number } = {}) {}
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    // A timer armed for a time already reached fires without an advance, as a real one
    // would: code that learns of an event late (another connection delivered it first)
    // arms its timer after the test moved the clock past the target.
    if (ms <= 0) setImmediate(() => this.fireIfArmed(id));
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  private fireIfArmed(id: number): void {
    const index = this.timers.findIndex((timer) => timer.id === id);
    if (index === -1) return;
    const [timer] = this.timers.splice(index, 1);
    timer?.fn();
  }

  /** Timers armed and not yet fired. */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time at once, as a wall clock set forward (or back, for a negative `ms`) or a
   * machine waking from sleep: no timer fires on the way; those now due fire on the next turn.
   */
  jump(ms: number): void {
    this.current += ms;
    for (const timer of this.timers) if (timer.at <= this.current) setImmediate(() => this.fireIfArmed(timer.id));
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, due.at - (this.options.fire_early_ms ?? 0));
      due.fn();
      this.current = Math.max(this.current, due.at);
    }
    this.current = target;
  }
}
