import { describe, expect, it } from 'vitest';
import { chargeFanoutRound } from '../../../src/server/fanout-cost.js';

describe('chargeFanoutRound()', () => {
  it('charges what the round took when the kernel took every byte at once', () => {
    expect(chargeFanoutRound({ ms: 4, taken: 1000, unsent: 0 }, 0)).toEqual({ cost: 4, msPerByte: 0.004 });
  });

  it('charges bytes left to libuv at the rate of the bytes that went at once', () => {
    expect(chargeFanoutRound({ ms: 4, taken: 1000, unsent: 3000 }, 0)).toEqual({ cost: 16, msPerByte: 0.004 });
  });

  it('keeps the last known rate for a round in which the kernel took nothing', () => {
    expect(chargeFanoutRound({ ms: 1, taken: 0, unsent: 2000 }, 0.004)).toEqual({ cost: 9, msPerByte: 0.004 });
  });
});
