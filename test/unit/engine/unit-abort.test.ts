import { describe, expect, it } from 'vitest';
import { UnitAbort } from '../../../src/engine/unit-abort.js';

describe('UnitAbort', () => {
  it('hands out one live signal that a later abort reaches, with its reason', () => {
    const unit = new UnitAbort();
    const signal = unit.signal;
    expect(signal.aborted).toBe(false);
    expect(unit.signal).toBe(signal);
    unit.abort('timeout');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('timeout');
  });

  it('gives a handler that reads the signal after an abort an already aborted one, with the first reason', () => {
    const unit = new UnitAbort();
    unit.abort('canceled');
    unit.abort('finished');
    expect(unit.signal.aborted).toBe(true);
    expect(unit.signal.reason).toBe('canceled');
  });
});
