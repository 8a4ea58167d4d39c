/** JSON Schemas of the schedule routes (/schedules/*), merged into the request and response schema tables. */

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const overlap = { enum: ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] } as const;

export const SCHEDULE_REQUEST_SCHEMAS: Record<string, object> = {
  PauseScheduleRequest: {
    type: 'object',
    description: 'Pause a schedule; `note` says why (shown by list and show).',
    properties: { note: { type: 'string', maxLength: 500 } },
    additionalProperties: false,
  },
  TriggerScheduleRequest: {
    type: 'object',
    description: "Fire the schedule now; `overlap` replaces the schedule's policy for this fire.",
    properties: { overlap },
    additionalProperties: false,
  },
  BackfillScheduleRequest: {
    type: 'object',
    description: "Fire every scheduled time in [from, to] (ISO 8601) not fired before, under `overlap` (default: the schedule's). At most 1000 times.",
    properties: { from: { type: 'string', minLength: 1, maxLength: 64 }, to: { type: 'string', minLength: 1, maxLength: 64 }, overlap },
    required: ['from', 'to'],
    additionalProperties: false,
  },
};

const fire = {
  type: 'object',
  properties: {
    trigger_id: str,
    scheduled_at: str,
    reason: { enum: ['schedule', 'catchup', 'manual', 'backfill', 'webhook', 'after'] },
    source_execution_id: nullableStr,
    status: { enum: ['starting', 'started', 'skipped', 'buffered', 'failed'] },
    execution_id: nullableStr,
    node_id: str,
    detail: nullableStr,
    created_at: str,
    updated_at: str,
  },
  required: ['trigger_id', 'scheduled_at', 'reason', 'status', 'execution_id'],
};

const scheduleProperties = {
  id: str,
  workflow_ref: str,
  name: str,
  workflow_version: int,
  cron: nullableStr,
  every_ms: { type: ['integer', 'null'] },
  timezone: str,
  overlap,
  catchup_window_ms: int,
  jitter_ms: int,
  start_at: nullableStr,
  end_at: nullableStr,
  enabled: { type: 'boolean' },
  input: { type: 'object' },
  paused: { type: 'boolean' },
  note: nullableStr,
  next_fire_times: { type: 'array', items: str },
  last_fire: { anyOf: [ref('ScheduleFire'), { type: 'null' }] },
  warnings: {
    type: 'array',
    description: 'What the scheduler does differently from the registered definition, and why (an every under 1s registered before the minimum fires every 1s).',
    items: { type: 'object', properties: { code: { enum: ['TRIGGER_INTERVAL_TOO_SHORT'] }, message: str }, required: ['code', 'message'] },
  },
};

const objectOf = { type: 'object' } as const;

/** `triggers:` of a registered workflow, as normalise-triggers.ts keeps them (core/model.ts TriggerDef). */
const registeredTriggers = {
  type: 'object',
  description: 'A workflow\'s triggers as registered: durations in ms and every default filled in.',
  additionalProperties: {
    type: 'object',
    properties: {
      schedule: {
        type: 'object',
        properties: {
          cron: str,
          every_ms: int,
          timezone: str,
          input: objectOf,
          overlap,
          catchup_window_ms: int,
          jitter_ms: int,
          start_at: str,
          end_at: str,
          enabled: { type: 'boolean' },
        },
        required: ['timezone', 'input', 'overlap', 'catchup_window_ms', 'jitter_ms', 'enabled'],
      },
      webhook: {
        type: 'object',
        properties: { secret_env: str, auth: { enum: ['signature', 'token', 'any'] }, input: objectOf },
        required: ['secret_env', 'auth', 'input'],
      },
      after: {
        type: 'object',
        properties: { workflow: str, status: { type: 'array', items: { enum: ['completed', 'failed', 'canceled'] } }, input: objectOf },
        required: ['workflow', 'status', 'input'],
      },
    },
  },
};

export const SCHEDULE_RESPONSE_SCHEMAS: Record<string, object> = {
  RegisteredTriggers: registeredTriggers,
  ScheduleFire: fire,
  ScheduleView: { type: 'object', properties: scheduleProperties, required: ['id', 'workflow_ref', 'name', 'paused', 'next_fire_times'] },
  ScheduleDetail: {
    type: 'object',
    properties: { ...scheduleProperties, recent_fires: { type: 'array', items: ref('ScheduleFire') } },
    required: ['id', 'workflow_ref', 'name', 'paused', 'next_fire_times', 'recent_fires'],
  },
  ScheduleList: {
    type: 'object',
    properties: { items: { type: 'array', items: ref('ScheduleView') }, total: int, limit: int, offset: int },
    required: ['items', 'total', 'limit', 'offset'],
  },
  TriggerFireList: {
    type: 'object',
    properties: { items: { type: 'array', items: ref('ScheduleFire') }, total: int, limit: int, offset: int },
    required: ['items', 'total', 'limit', 'offset'],
  },
  BackfillResult: {
    type: 'object',
    properties: {
      schedule_id: str,
      fires: { type: 'array', items: ref('ScheduleFire') },
      already_fired: { type: 'array', items: str, description: 'Times of the range fired before (not fired again).' },
      skipped: { type: 'array', items: str, description: 'Times the overlap policy skipped (among fires, status skipped, why in detail): not run; a later backfill runs them.' },
    },
    required: ['schedule_id', 'fires', 'already_fired', 'skipped'],
  },
};
