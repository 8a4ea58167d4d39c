/**
 * The one owner of the `croner` library: cron expressions are parsed and stepped by it
 * (five fields, or six with seconds first), never by a parser of our own.
 */
import { createRequire } from 'node:module';
import type { Cron } from 'croner';

type CronClass = typeof Cron;
let cronClass: CronClass | undefined;

// Loaded on first use, so `harmonia validate` of packs without schedules never reads
// croner (start-up time). require(), not import(): the checks here are synchronous.
function loadCron(): CronClass {
  cronClass ??= (createRequire(import.meta.url)('croner') as { Cron: CronClass }).Cron;
  return cronClass;
}

// croner keeps day-of-month and month zero-based and reports the stored value, so '32' was
// refused as "Invalid value for day: 31" (a valid day) and month '0' as "-1". Its field names
// are its own too; the user wrote the fields cron's way.
const FIELDS: Record<string, { name: string; shift: number; range: string }> = {
  second: { name: 'second', shift: 0, range: '0-59' },
  minute: { name: 'minute', shift: 0, range: '0-59' },
  hour: { name: 'hour', shift: 0, range: '0-23' },
  day: { name: 'day-of-month', shift: 1, range: '1-31' },
  month: { name: 'month', shift: 1, range: '1-12' },
  dayOfWeek: { name: 'day-of-week', shift: 0, range: '0-7, 0 and 7 are Sunday' },
};

function outOfRange(reason: string): string {
  const match = /^Invalid value for (\w+): (-?\d+)$/.exec(reason);
  const field = match ? FIELDS[match[1] ?? ''] : undefined;
  if (!match || !field) return reason;
  return `${field.name} ${Number(match[2]) + field.shift} is out of range (${field.range})`;
}

/** Why `expression` is not a cron expression we accept, or null when it is. */
export function cronProblem(expression: string): string | null {
  let cron: Cron;
  try {
    cron = new (loadCron())(expression, { mode: '5-or-6-parts', paused: true });
  } catch (error) {
    // croner prefixes its messages with its class name, and some quote the whole expression
    // (bounded here: a file can hold a megabyte of one); the user needs only the reason.
    const reason = outOfRange((error as Error).message.replace(/^Cron\w*:\s*/, ''));
    return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
  }
  // Fields that each accept values but never together (30 February): the scheduler would
  // list the schedule and never fire it. The cron has no year, so none now means none ever.
  return cron.nextRun() === null ? 'no date matches it (such as 30 February), so it would never fire' : null;
}

// Parsing is most of the cost of a next-time question; the scheduler asks for every
// schedule on every pass. Bounded so a long-lived server does not grow without end.
const MAX_CACHED = 10_000;
const parsed = new Map<string, Cron>();

function cronOf(expression: string, timezone: string): Cron {
  const key = `${timezone} ${expression}`;
  let cron = parsed.get(key);
  if (!cron) {
    cron = new (loadCron())(expression, { mode: '5-or-6-parts', paused: true, timezone });
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(key, cron);
  }
  return cron;
}

/** Up to `count` fire times of `expression` in `timezone` strictly after `after`, before `until` when given. */
export function cronTimesAfter(expression: string, timezone: string, after: number, count: number, until?: number): number[] {
  const cron = cronOf(expression, timezone);
  const out: number[] = [];
  let previous = new Date(after);
  while (out.length < count) {
    const next = cron.nextRun(previous);
    if (!next) break;
    const at = next.getTime();
    if (until !== undefined && at > until) break;
    out.push(at);
    previous = next;
  }
  return out;
}
