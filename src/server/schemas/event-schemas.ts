/**
 * The OpenAPI schemas of execution events: one schema per event type (its payload fixed),
 * and `ExecutionEvent`, their `oneOf` discriminated by `event_type`. They follow the
 * payload types of src/core/events.ts; `Record<EventType, ...>` below does not compile
 * until a new event type has its schema.
 */
import { EVENT_TYPES, type EventType } from '../../core/events.js';
import { TASK_ERROR_TYPES } from '../../core/task-errors.js';

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const obj = { type: 'object' } as const;
const attempt = { type: 'integer', minimum: 0, description: 'The attempt this event concerns (1 is the first).' } as const;
const itemIndex = { type: 'integer', minimum: 0, description: 'The fan-out item this event concerns.' } as const;

const payload = (properties: Record<string, object>, required: string[], description: string): object => ({
  type: 'object',
  description,
  properties,
  required,
});

const PAYLOADS: Record<EventType, object> = {
  workflow_started: payload(
    {
      workflow_ref: str,
      workflow_version: int,
      input: obj,
      parent_execution_id: nullableStr,
      parent_task_id: nullableStr,
      action_versions: { type: 'object', additionalProperties: str, description: 'Pinned pack action versions: action ref → version id.' },
      trigger: { type: 'object', properties: { id: str, scheduled_at: str, reason: str }, required: ['id', 'scheduled_at', 'reason'] },
      restored_from: { type: 'object', properties: { execution_id: str, checkpoint_id: str, seq: int }, required: ['execution_id', 'checkpoint_id', 'seq'] },
      snapshot: { type: 'object', properties: { tasks: { type: 'object', additionalProperties: obj } }, required: ['tasks'] },
    },
    ['workflow_ref', 'workflow_version', 'input', 'parent_execution_id', 'parent_task_id'],
    'The execution started (or was restored from a checkpoint).',
  ),
  workflow_completed: payload({ output: obj }, ['output'], "The execution completed with the workflow's output."),
  workflow_failed: payload({ error: ref('TaskError'), task_id: str }, ['error'], 'The execution failed; task_id names the task whose failure failed it.'),
  workflow_canceled: payload({ terminated: bool }, ['terminated'], 'The execution was canceled (terminated: without a grace period).'),
  workflow_paused: payload({ by_parent: str }, [], "The execution was paused; running tasks finish, no new task starts. by_parent names the parent whose pause was passed on to this sub-workflow (absent: an operator paused it); only that parent's resume resumes it."),
  workflow_resumed: payload(
    { mode: { enum: ['resume', 'retry', 'rerun'] }, reset: { type: 'array', items: str }, from: str },
    ['mode'],
    'The execution was resumed, retried (failed tasks reset) or rerun from a task.',
  ),
  task_started: payload(
    { attempt, input: obj, item_index: itemIndex, items: { type: 'array', description: "A fan-out's items; each runs as a unit with its item_index." } },
    ['attempt'],
    'A task (or one fan-out item) started, or a fan-out expanded into items.',
  ),
  task_completed: payload(
    {
      attempt,
      output: {},
      item_index: itemIndex,
      failed_items: { type: 'array', items: int },
      signal_seq: { type: 'integer', description: 'A core.signal wait: the seq of the signal_received event it took.' },
      signal: { type: 'string', description: 'A core.signal wait: the name of the signal it took.' },
    },
    ['attempt', 'output'],
    'A task (or one fan-out item) completed with its output.',
  ),
  task_failed: payload(
    { attempt, error: ref('TaskError'), item_index: itemIndex, handled_by: str, canceled: bool },
    ['attempt', 'error'],
    'A task (or one fan-out item) failed for good; handled_by names the error handler it went to.',
  ),
  task_waiting: payload(
    {
      attempt,
      input: obj,
      wait: {
        type: 'object',
        description: 'What the task waits for: a sleep until deadline_ms, a named signal, or an approval (scope, approvers, message, on_reject); deadline_ms null waits for ever.',
        properties: {
          kind: { enum: ['sleep', 'signal', 'approval'] },
          deadline_ms: { type: ['integer', 'null'] },
          name: str,
          scope: { enum: ['approve', 'write', 'admin'] },
          approvers: { type: ['array', 'null'], items: str },
          message: nullableStr,
          on_reject: { enum: ['fail', 'complete'] },
        },
        required: ['kind', 'deadline_ms'],
      },
    },
    ['attempt', 'input', 'wait'],
    'A durable wait began (core.sleep, core.signal, core.approval): no process runs and no slot is held.',
  ),
  signal_received: payload(
    { name: str, payload: obj, sent_by: nullableStr },
    ['name', 'payload', 'sent_by'],
    'A signal was sent to the execution; the task waiting longest for that name takes it.',
  ),
  approval_decided: payload(
    { attempt, decision: { enum: ['approve', 'reject'] }, by: str, comment: nullableStr, decided_at: str },
    ['attempt', 'decision', 'by', 'comment', 'decided_at'],
    "An approver's decision on a waiting core.approval task.",
  ),
  task_skipped: payload(
    { reason: { enum: ['condition', 'upstream', 'manual', 'not_triggered', 'unreachable'] } },
    ['reason'],
    'A task was skipped, and why.',
  ),
  checkpoint_created: payload({ checkpoint_id: str }, ['checkpoint_id'], 'A checkpoint (a snapshot of the state at this seq) was stored.'),
  retry_attempted: payload(
    { attempt: { type: 'integer', minimum: 1, description: 'The attempt that will run next.' }, delay_ms: int, at_ms: int, error: ref('TaskError'), item_index: itemIndex, interrupted: bool },
    ['attempt', 'delay_ms', 'at_ms', 'error'],
    "An attempt failed and the task runs again at at_ms; interrupted: the engine's own death, no retry budget spent.",
  ),
  cancel_requested: payload({ grace_ms: int, deadline_ms: int }, ['grace_ms', 'deadline_ms'], 'An operator asked to cancel; running tasks have grace_ms to stop.'),
  skip_requested: payload({}, [], 'An operator asked to skip a task that is not ready yet; applied when it would run.'),
  error_occurred: payload(
    { kind: { enum: ['cancel_requested', 'skip_requested'] }, grace_ms: int, deadline_ms: int },
    ['kind'],
    'Read from older histories only: how a cancel or skip request was recorded before cancel_requested and skip_requested existed.',
  ),
};

/** `task_started` → `TaskStartedEvent`. */
export function eventSchemaName(type: EventType): string {
  return `${type.replace(/(^|_)([a-z])/g, (_m, _sep: string, ch: string) => ch.toUpperCase())}Event`;
}

function eventSchema(type: EventType): object {
  return {
    type: 'object',
    properties: {
      event_type: { type: 'string', const: type },
      execution_id: str,
      workflow_id: str,
      task_id: str,
      timestamp: { type: 'string', format: 'date-time' },
      seq: { type: 'integer', minimum: 1 },
      position: { type: 'integer', description: 'The global position (all-events streams only).' },
      data: PAYLOADS[type],
    },
    required: ['event_type', 'execution_id', 'workflow_id', 'timestamp', 'seq', 'data'],
  };
}

/** The event schemas, to merge into the document's components. */
export const EVENT_SCHEMAS: Record<string, object> = {
  TaskError: {
    type: 'object',
    description: "A failed task's error. Known types are listed in docs/codes.md; actions may report their own.",
    properties: {
      type: { type: 'string', examples: Object.keys(TASK_ERROR_TYPES) },
      message: str,
      retriable: bool,
      attempt: int,
      cause: {
        type: 'object',
        description: "A core.workflow task's error when its child failed: where the failure began, the deepest execution whose own task failed.",
        properties: {
          execution_id: str,
          workflow_ref: str,
          task_id: { ...str, description: 'The task whose failure failed that execution (absent when none did).' },
          type: str,
          message: { ...str, description: 'That failure\'s message, unchanged.' },
          depth: { type: 'integer', minimum: 1, description: 'core.workflow levels down to that execution: 1 is the direct child.' },
        },
        required: ['execution_id', 'workflow_ref', 'type', 'message', 'depth'],
      },
      usage: {
        type: 'object',
        description: 'What a model server billed the failed attempt (core.llm): counted in the execution metrics.',
        properties: { model: { type: ['string', 'null'] }, requests: int, prompt_tokens: int, completion_tokens: int, total_tokens: int },
        required: ['model', 'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens'],
      },
    },
    required: ['type', 'message', 'retriable', 'attempt'],
  },
  ...Object.fromEntries(EVENT_TYPES.map((type) => [eventSchemaName(type), eventSchema(type)])),
  ExecutionEvent: {
    description: 'One entry of an execution history; data has one shape per event_type.',
    oneOf: EVENT_TYPES.map((type) => ref(eventSchemaName(type))),
    discriminator: {
      propertyName: 'event_type',
      mapping: Object.fromEntries(EVENT_TYPES.map((type) => [type, `#/components/schemas/${eventSchemaName(type)}`])),
    },
  },
};
