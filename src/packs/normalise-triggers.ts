/**
 * Normalises a workflow's `triggers:` map. Lenient like the other normalisers: a value the
 * schema or check-triggers rejects is dropped here, and the file is invalid anyway.
 */
import { isoInstant } from '../core/iso-instant.js';
import type { AfterDef, OverlapPolicy, ScheduleDef, TriggerDef, WebhookDef } from '../core/model.js';
import { parseDuration } from '../triggers/duration.js';
import { isRecord, record, str } from './normalise-values.js';

const OVERLAPS = new Set<string>(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all']);

/** Defaults of a schedule, as docs/triggers.md lists them. */
export const SCHEDULE_DEFAULTS = { timezone: 'UTC', overlap: 'skip', catchup_window_ms: 60_000, jitter_ms: 0 } as const;

function durationOf(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return parseDuration(value) ?? undefined;
}

function scheduleOf(raw: Record<string, unknown>): ScheduleDef {
  const overlap = str(raw['overlap']);
  const schedule: ScheduleDef = {
    timezone: str(raw['timezone']) ?? SCHEDULE_DEFAULTS.timezone,
    input: record(raw['input']),
    overlap: overlap !== undefined && OVERLAPS.has(overlap) ? (overlap as OverlapPolicy) : SCHEDULE_DEFAULTS.overlap,
    catchup_window_ms: durationOf(raw['catchup_window']) ?? SCHEDULE_DEFAULTS.catchup_window_ms,
    jitter_ms: durationOf(raw['jitter']) ?? SCHEDULE_DEFAULTS.jitter_ms,
    enabled: raw['enabled'] !== false,
  };
  const cron = str(raw['cron']);
  if (cron !== undefined) schedule.cron = cron.trim();
  const every = durationOf(raw['every']);
  if (cron === undefined && every !== undefined) schedule.every_ms = every;
  for (const key of ['start_at', 'end_at'] as const) {
    const text = str(raw[key]);
    const at = text === undefined ? null : isoInstant(text);
    if (at !== null) schedule[key] = new Date(at).toISOString();
  }
  return schedule;
}

function webhookOf(raw: Record<string, unknown>): WebhookDef {
  const auth = str(raw['auth']);
  return { secret_env: str(raw['secret_env']) ?? '', auth: auth === 'token' || auth === 'any' ? auth : 'signature', input: record(raw['input']) };
}

const END_STATUSES = new Set(['completed', 'failed', 'canceled']);

function afterOf(raw: Record<string, unknown>): AfterDef {
  const given = Array.isArray(raw['status']) ? raw['status'] : raw['status'] === undefined ? ['completed'] : [raw['status']];
  const status = given.filter((s): s is AfterDef['status'][number] => typeof s === 'string' && END_STATUSES.has(s));
  return { workflow: str(raw['workflow']) ?? '', status: [...new Set(status)], input: record(raw['input']) };
}

/** The triggers of a workflow file; undefined when it declares none (so its content hash is unchanged). */
export function normaliseTriggers(value: unknown): Record<string, TriggerDef> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, TriggerDef> = {};
  for (const [name, raw] of Object.entries(value)) {
    const schedule = record(raw)['schedule'];
    const webhook = record(raw)['webhook'];
    if (isRecord(schedule)) out[name] = { schedule: scheduleOf(schedule) };
    else if (isRecord(webhook)) out[name] = { webhook: webhookOf(webhook) };
    else if (isRecord(record(raw)['after'])) out[name] = { after: afterOf(record(record(raw)['after'])) };
  }
  return out;
}
