/**
 * What a round of the all-events feed's writes cost the process. Only the synchronous
 * part of a socket write can be timed: bytes the kernel does not take at once stay with
 * libuv, which writes them later in its poll phase, where nobody times them. They are
 * charged at the rate of the bytes that did go at once (the same copy into the kernel).
 */

/** One round as timed: milliseconds spent, bytes the kernel took at once, bytes left to libuv. */
export interface FanoutRound {
  ms: number;
  taken: number;
  unsent: number;
}

/**
 * The round's cost in milliseconds and the per-byte rate to carry to the next round
 * (`msPerByte` is the last one known: a round where the kernel took nothing keeps it).
 */
export function chargeFanoutRound(round: FanoutRound, msPerByte: number): { cost: number; msPerByte: number } {
  const rate = round.taken > 0 ? round.ms / round.taken : msPerByte;
  return { cost: round.ms + round.unsent * rate, msPerByte: rate };
}
