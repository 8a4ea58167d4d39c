/**
 * Which trigger started an execution: the `workflow_started` event's `data.trigger`
 * (`{id, scheduled_at, reason}`).
 */
import type { ExecutionEvent } from '../../../src/core/model.js';

export interface StartedBy {
  /** `<workflow ref>/<trigger name>`. */
  id: string;
  scheduled_at: string | null;
  reason: string | null;
}

export function startedBy(events: readonly ExecutionEvent[]): StartedBy | null {
  const started = events.find((e) => e.event_type === 'workflow_started');
  const trigger = started?.data.trigger;
  if (trigger === undefined || typeof trigger.id !== 'string') return null;
  const { id, scheduled_at, reason } = trigger;
  return { id, scheduled_at: typeof scheduled_at === 'string' ? scheduled_at : null, reason: typeof reason === 'string' ? reason : null };
}

/** The schedule page of a trigger id, split at its last slash (workflow refs hold no slash). */
export function triggerHref(id: string): string {
  const cut = id.lastIndexOf('/');
  return `/ui/schedules/${encodeURIComponent(id.slice(0, cut))}/${encodeURIComponent(id.slice(cut + 1))}`;
}
