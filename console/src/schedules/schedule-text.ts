/** Words for a schedule: how it fires, its state, and one fire. */
import type { ScheduleView } from '../../../src/core/schedule-wire.js';
import { formatDuration } from '../components/format.js';

/** `cron 0 * * * * (Europe/Paris)` or `every 5 min`. */
export function describeCadence(s: Pick<ScheduleView, 'cron' | 'every_ms' | 'timezone'>): string {
  if (s.cron !== null) return `cron ${s.cron} (${s.timezone})`;
  if (s.every_ms !== null) return `every ${formatDuration(s.every_ms)}`;
  return '—';
}

/** Paused wins over disabled: a paused schedule is the one a person can resume here. */
export function scheduleState(s: Pick<ScheduleView, 'paused' | 'enabled'>): 'Paused' | 'Disabled' | 'Active' {
  if (s.paused) return 'Paused';
  if (!s.enabled) return 'Disabled';
  return 'Active';
}

/** The schedule's page: its id is `<workflow ref>/<trigger name>`, two path segments. */
export function scheduleHref(s: Pick<ScheduleView, 'workflow_ref' | 'name'>): string {
  return `/ui/schedules/${encodeURIComponent(s.workflow_ref)}/${encodeURIComponent(s.name)}`;
}
