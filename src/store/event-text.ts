/**
 * An event's stored JSON text, built from parts. `JSON.stringify` of a whole event
 * serialised its two ids, its timestamp and seven keys character by character on every
 * row (11,000 instructions an event, most of a task's JSON cost: docs/performance.md,
 * "h-eng3"); here the envelope after `data` (the ids and their keys) is serialised once per
 * execution and the timestamp once per millisecond, and only the type, the task id and the
 * payload go through `JSON.stringify`.
 *
 * The text is the event's JSON with its keys in the order the engine writes them
 * (`event_type`, `task_id`, `data`, `execution_id`, `workflow_id`, `timestamp`, `seq`) and
 * `position` left out (it lives in its own column). An event with any other own key, or a
 * field of an unexpected type, is serialised whole by `JSON.stringify`, as before.
 */
import type { ExecutionEvent } from '../core/model.js';

/** `,"execution_id":…,"workflow_id":…,"timestamp":` of the latest execution seen. */
let envelopeExecution: string | undefined;
let envelopeWorkflow: string | undefined;
let envelopeText = '';
/** The latest timestamp seen and its JSON followed by `,"seq":`. */
let stampValue: string | undefined;
let stampText = '';
/** JSON texts of event types and task ids: a small, closed set for the types, one per task for the ids. */
const typeTexts = new Map<string, string>();

function envelope(executionId: string, workflowId: string): string {
  if (executionId !== envelopeExecution || workflowId !== envelopeWorkflow) {
    envelopeText = `,"execution_id":${JSON.stringify(executionId)},"workflow_id":${JSON.stringify(workflowId)},"timestamp":`;
    envelopeExecution = executionId;
    envelopeWorkflow = workflowId;
  }
  return envelopeText;
}

function stamp(timestamp: string): string {
  if (timestamp !== stampValue) {
    stampText = `${JSON.stringify(timestamp)},"seq":`;
    stampValue = timestamp;
  }
  return stampText;
}

function typeHead(eventType: string): string {
  let text = typeTexts.get(eventType);
  if (text === undefined) {
    text = `{"event_type":${JSON.stringify(eventType)}`;
    // Event types are a closed set; anything else is not worth remembering.
    if (typeTexts.size < 64) typeTexts.set(eventType, text);
  }
  return text;
}

/**
 * A task id's JSON: quoted as it is when no character needs an escape (the engine's ids are
 * plain names), else by JSON.stringify. A call of JSON.stringify for a short string cost
 * ~1,000 instructions an event, the scan a few a character (docs/performance.md, "h-wide").
 */
function quoted(text: string): string {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // Control characters, the quote and the backslash are escaped; surrogates, paired or
    // not, are left to JSON.stringify (it escapes a lone one).
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** True when the event holds only the envelope's keys and `data`, each of the type the text assumes. */
function isPlain(event: ExecutionEvent): boolean {
  for (const key in event) {
    switch (key) {
      case 'event_type':
      case 'data':
      case 'execution_id':
      case 'workflow_id':
      case 'timestamp':
      case 'seq':
      case 'task_id':
      case 'position':
        break;
      default:
        return false;
    }
  }
  const taskId: unknown = event.task_id;
  return (
    typeof event.event_type === 'string' &&
    typeof event.execution_id === 'string' &&
    typeof event.workflow_id === 'string' &&
    typeof event.timestamp === 'string' &&
    Number.isFinite(event.seq) &&
    (taskId === undefined || typeof taskId === 'string')
  );
}

/** The event as stored: its JSON without `position`. */
export function eventText(event: ExecutionEvent): string {
  if (!isPlain(event)) {
    if (event.position === undefined) return JSON.stringify(event);
    const { position: _position, ...rest } = event;
    return JSON.stringify(rest);
  }
  const data = JSON.stringify(event.data) as string | undefined;
  const head = event.task_id === undefined ? typeHead(event.event_type) : `${typeHead(event.event_type)},"task_id":${quoted(event.task_id)}`;
  // JSON.stringify leaves out a key whose value it cannot write (undefined, a function).
  const body = data === undefined ? head : `${head},"data":${data}`;
  return `${body}${envelope(event.execution_id, event.workflow_id)}${stamp(event.timestamp)}${event.seq}}`;
}
