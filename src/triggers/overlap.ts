/** The overlap policies as a pure decision, so they are tested without a store or an engine. */
import type { OverlapPolicy } from '../core/model.js';

/** What to do with a fire: start it, skip it, queue it, or cancel the running ones and start it. */
export type OverlapDecision = 'start' | 'skip' | 'buffer' | 'cancel_then_start';

/**
 * Decides a fire given how many executions this trigger started are still running and how
 * many fires wait buffered. A buffered queue counts as running, so a new fire never
 * overtakes one that waits.
 */
export function decideOverlap(policy: OverlapPolicy, running: number, buffered: number): OverlapDecision {
  const busy = running > 0 || buffered > 0;
  switch (policy) {
    case 'allow_all':
      return 'start';
    case 'skip':
      return running > 0 ? 'skip' : 'start';
    case 'buffer_one':
      if (!busy) return 'start';
      return buffered > 0 ? 'skip' : 'buffer';
    case 'buffer_all':
      return busy ? 'buffer' : 'start';
    case 'cancel_other':
      return running > 0 ? 'cancel_then_start' : 'start';
  }
}
