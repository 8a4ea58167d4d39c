/**
 * TRIGGER_*: what the schema cannot see in `triggers:` — a cron expression croner
 * refuses, a time zone Intl does not know, a duration that does not parse, a schedule
 * with both or neither of cron and every, start_at/end_at that are not times or are in
 * the wrong order.
 */
import { isoInstant, isoInstantProblem, ISO_INSTANT_HINT } from '../../core/iso-instant.js';
import { joinPointer } from '../../core/source.js';
import { didYouMean, suggest } from '../../core/suggest.js';
import { cronProblem } from '../../triggers/cron.js';
import { parseDuration } from '../../triggers/duration.js';
import { isKnownTimeZone, knownTimeZones } from '../../triggers/time-zone.js';
import { hasExpression } from '../../expr/parse-template.js';
import { MIN_SCHEDULE_INTERVAL_MS, type WorkflowDef } from '../../core/model.js';
import { isRecord } from '../normalise-values.js';
import { parseReported } from './check-expressions.js';
import { collectStrings } from './expr-refs.js';
import { refsOfCached } from './parse-template-cached.js';
import type { Rule, RuleContext } from './rule-context.js';

/** What `${trigger.*}` offers in a schedule's input. */
export const TRIGGER_FIELDS = ['id', 'name', 'workflow_ref', 'scheduled_time', 'reason'];
/** What `${trigger.*}` offers in a webhook's input. */
export const WEBHOOK_FIELDS = ['id', 'name', 'workflow_ref', 'received_at', 'body'];
/** What `${trigger.*}` offers in an after-trigger's input: the execution that ended. */
export const AFTER_FIELDS = ['id', 'name', 'workflow_ref', 'execution_id', 'source_workflow_ref', 'status', 'output', 'error', 'finished_at'];

/** A trigger's input may read `trigger.*` only: nothing else exists when it fires. */
function checkInputExpressions(ctx: RuleContext, raw: Record<string, unknown>, pointer: string, fields: readonly string[] = TRIGGER_FIELDS): void {
  if (!isRecord(raw['input'])) return;
  for (const { text, pointer: at } of collectStrings(raw['input'], joinPointer(pointer, 'input'))) {
    if (!hasExpression(text)) continue;
    const parsed = parseReported(ctx, text, at);
    if (!parsed) continue;
    for (const part of parsed.parts) {
      if (part.kind !== 'expr') continue;
      for (const ref of refsOfCached(part.ast)) {
        const field = ref.path[0];
        const report = (message: string, hint?: string) => {
          // Located only when reported: a position can cost a parse of the file (parse-yaml-file.ts).
          const span = ctx.file.source?.locateInString(at, part.start + 2 + ref.start, part.start + 2 + ref.end);
          const input = { code: 'EXPR_UNKNOWN_NAMESPACE' as const, pointer: at, message, ...(hint ? { hint } : {}) };
          if (span) ctx.reportAt(input, span);
          else ctx.report(input);
        };
        if (ref.root !== 'trigger') report(`a trigger's input can read only trigger.*, not '${ref.root}'`, `use one of ${fields.map((f) => `trigger.${f}`).join(', ')}`);
        else if (typeof field === 'string' && !fields.includes(field)) {
          const near = suggest(field, fields);
          report(`'trigger.${field}' is not a field of the fire`, near !== undefined ? `did you mean 'trigger.${near}'?` : `use one of ${fields.join(', ')}`);
        }
      }
    }
  }
}

/** A value as a message quotes it: at most 200 characters. */
const quoted = (value: string): string => (value.length > 200 ? `${value.slice(0, 200)}…` : value);

const DURATION_HINT = 'write seconds as a number, or a duration with units: 500ms, 30s, 5m, 1h30m, 2d';

/** The shortest `every` (core/model.ts says why); the scheduler holds stored schedules to it too. */
export const MIN_INTERVAL_MS = MIN_SCHEDULE_INTERVAL_MS;

/** Milliseconds of `raw[key]`, or null when it is absent, not a duration (reported), or for the schema to report. */
function checkDuration(ctx: RuleContext, raw: Record<string, unknown>, pointer: string, key: string, positive: boolean): number | null {
  const value = raw[key];
  // A fraction is the schema's to report (an integer or a string), once.
  if (typeof value !== 'string' && (typeof value !== 'number' || !Number.isInteger(value))) return null;
  const ms = parseDuration(value);
  if (ms === null || (positive && ms === 0)) {
    ctx.report({
      code: 'TRIGGER_DURATION_INVALID',
      pointer: joinPointer(pointer, key),
      message: `${key} '${quoted(String(value))}' is not a ${positive ? 'positive ' : ''}duration`,
      hint: DURATION_HINT,
    });
    return null;
  }
  return ms;
}

function checkSchedule(ctx: RuleContext, raw: Record<string, unknown>, pointer: string, name: string): void {
  const cron = raw['cron'];
  const hasEvery = raw['every'] !== undefined;
  if ((cron === undefined) === !hasEvery) {
    ctx.report({
      code: 'TRIGGER_SCHEDULE_INVALID',
      pointer,
      message: `schedule of trigger '${name}' must have exactly one of 'cron' and 'every'`,
      hint: "write cron: '*/5 * * * *' or every: 5m",
    });
  }
  if (typeof cron === 'string') {
    const problem = cronProblem(cron.trim());
    if (problem !== null) {
      ctx.report({
        code: 'TRIGGER_CRON_INVALID',
        pointer: joinPointer(pointer, 'cron'),
        message: `cron '${quoted(cron)}' of trigger '${name}' is not valid: ${problem}`,
        hint: 'five fields (minute hour day-of-month month day-of-week), or six with seconds first',
      });
    }
  }
  const zone = raw['timezone'];
  if (typeof zone === 'string' && !isKnownTimeZone(zone)) {
    const near = suggest(zone, knownTimeZones());
    ctx.report({
      code: 'TRIGGER_TIMEZONE_UNKNOWN',
      pointer: joinPointer(pointer, 'timezone'),
      message: `unknown time zone '${zone}' in trigger '${name}'`,
      hint: near !== undefined ? `did you mean '${near}'?` : "use an IANA zone name such as 'Europe/Paris' or 'UTC'",
    });
  }
  checkInputExpressions(ctx, raw, pointer);
  const every = checkDuration(ctx, raw, pointer, 'every', true);
  if (every !== null && every < MIN_INTERVAL_MS) {
    ctx.report({
      code: 'TRIGGER_INTERVAL_TOO_SHORT',
      pointer: joinPointer(pointer, 'every'),
      message: `every '${quoted(String(raw['every']))}' of trigger '${name}' is shorter than the shortest interval, 1s`,
      hint: "write every: 1s or longer",
    });
  }
  checkDuration(ctx, raw, pointer, 'catchup_window', false);
  checkDuration(ctx, raw, pointer, 'jitter', false);
  const times: Partial<Record<'start_at' | 'end_at', number>> = {};
  for (const key of ['start_at', 'end_at'] as const) {
    const value = raw[key];
    if (typeof value !== 'string') continue;
    const at = isoInstant(value);
    if (at === null) {
      ctx.report({
        code: 'TRIGGER_SCHEDULE_INVALID',
        pointer: joinPointer(pointer, key),
        message: `${key} '${quoted(value)}' of trigger '${name}' ${isoInstantProblem(value) ?? 'is not a time'}`,
        hint: ISO_INSTANT_HINT,
      });
    } else times[key] = at;
  }
  if (times.start_at !== undefined && times.end_at !== undefined && times.end_at <= times.start_at) {
    ctx.report({
      code: 'TRIGGER_SCHEDULE_INVALID',
      pointer: joinPointer(pointer, 'end_at'),
      message: `end_at of trigger '${name}' must be after its start_at`,
    });
  }
}

/** The workflows whose ends start `ref` (its after-triggers' sources), as the run knows them. */
function afterSources(ctx: RuleContext, ref: string): string[] {
  const body = ctx.index.workflows.get(ref)?.body as WorkflowDef | null | undefined;
  return Object.values(body?.triggers ?? {}).flatMap((trigger) => (trigger.after ? [trigger.after.workflow] : []));
}

/**
 * The ring an after-trigger of `self` on `source` closes, in the order its executions
 * start (`self → ... → source → self`), or null. Walks back from `source` through the
 * workflows whose ends start it, breadth first over the workflows of the run (linear in
 * their after-triggers); reaching `self` means every end starts the next, forever.
 */
function afterRing(ctx: RuleContext, self: string, source: string): string[] | null {
  // For each workflow reached, the one its end starts, on the way to `source`.
  const starts = new Map<string, string | null>([[source, null]]);
  const queue = [source];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    if (at === self) {
      const ring = [self];
      for (let next = starts.get(self); next !== null && next !== undefined; next = starts.get(next)) ring.push(next);
      return [...ring, self];
    }
    for (const previous of afterSources(ctx, at)) {
      if (starts.has(previous)) continue;
      starts.set(previous, at);
      queue.push(previous);
    }
  }
  return null;
}

/** Checks every schedule of a workflow file's `triggers:`. */
export const checkTriggers: Rule = (ctx) => {
  const raw = ctx.file.raw;
  if (ctx.file.loaded.kind !== 'workflow' || !isRecord(raw) || !isRecord(raw['triggers'])) return;
  for (const [name, trigger] of Object.entries(raw['triggers'])) {
    if (!isRecord(trigger)) continue;
    const kinds = ['schedule', 'webhook', 'after'].filter((kind) => trigger[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.report({
        code: 'TRIGGER_INVALID',
        pointer: joinPointer('/triggers', name),
        message: `trigger '${name}' must have exactly one of 'schedule', 'webhook' and 'after'`,
        hint: kinds.length === 0 ? "add schedule: { cron: '0 2 * * *' } or webhook: { secret_env: MY_HOOK_SECRET }" : 'split it into two named triggers',
      }, 'key');
      continue;
    }
    if (isRecord(trigger['schedule'])) checkSchedule(ctx, trigger['schedule'], joinPointer('/triggers', name, 'schedule'), name);
    if (isRecord(trigger['webhook'])) checkInputExpressions(ctx, trigger['webhook'], joinPointer('/triggers', name, 'webhook'), WEBHOOK_FIELDS);
    if (isRecord(trigger['after'])) checkInputExpressions(ctx, trigger['after'], joinPointer('/triggers', name, 'after'), AFTER_FIELDS);
  }
};

/**
 * TRIGGER_AFTER_CYCLE: an after-trigger that closes a ring of workflows starting each other
 * as they end. A late rule: it reads the other workflows' triggers, known only once every
 * file of the run is normalised.
 */
export const checkAfterCycles: Rule = (ctx) => {
  const raw = ctx.file.raw;
  const self = ctx.file.ref;
  if (ctx.file.loaded.kind !== 'workflow' || self === null || !isRecord(raw) || !isRecord(raw['triggers'])) return;
  for (const [name, trigger] of Object.entries(raw['triggers'])) {
    const source = isRecord(trigger) && isRecord(trigger['after']) ? trigger['after']['workflow'] : undefined;
    const ring = typeof source === 'string' ? afterRing(ctx, self, source) : null;
    if (!ring) continue;
    ctx.report({
      code: 'TRIGGER_AFTER_CYCLE',
      pointer: joinPointer('/triggers', name, 'after', 'workflow'),
      message: `after-trigger '${name}' closes a ring of workflows that start each other when they end (${ring.join(' → ')}): each end would start the next, forever`,
      hint: 'start one of them on a schedule or a webhook instead, or drop one after-trigger of the ring',
    });
  }
};

/**
 * TRIGGER_UNKNOWN_WORKFLOW: an after-trigger on a workflow that does not exist would never
 * fire. Told only for workflows of the file's own pack and of the packs it depends on: every
 * gate loads those, while another pack may be synced apart and register later.
 */
export const checkAfterSources: Rule = (ctx) => {
  const raw = ctx.file.raw;
  const own = ctx.file.pack;
  if (ctx.file.loaded.kind !== 'workflow' || !isRecord(raw) || !isRecord(raw['triggers']) || !own.manifest) return;
  const { workflows, known } = ctx.index;
  for (const [name, trigger] of Object.entries(raw['triggers'])) {
    const source = isRecord(trigger) && isRecord(trigger['after']) ? trigger['after']['workflow'] : undefined;
    if (typeof source !== 'string' || hasExpression(source) || workflows.has(source) || known.workflows.has(source)) continue;
    const pack = source.split('.')[0] ?? '';
    if (pack !== own.ref && !own.manifest.dependencies.includes(pack)) continue;
    const hint = didYouMean(source, [...workflows.keys(), ...known.workflows]);
    ctx.report({
      code: 'TRIGGER_UNKNOWN_WORKFLOW',
      pointer: joinPointer('/triggers', name, 'after', 'workflow'),
      message: `after-trigger '${name}' waits for workflow '${source}', which does not exist; it would never fire`,
      ...(hint ? { hint } : {}),
    });
  }
};
