import type { ExecutionEvent } from '../../core/model.js';

/** The event without its position: that lives in its own column. */
function withoutPosition(event: ExecutionEvent): ExecutionEvent {
  if (event.position === undefined) return event;
  const { position: _position, ...rest } = event;
  return rest;
}

/**
 * The stored form of events (migration 12). An event whose JSON text ends with the four
 * fields every engine event ends with, `,"execution_id":…,"workflow_id":…,"timestamp":…,"seq":…}`,
 * is stored without them: the row's own columns hold them (execution_id and seq already,
 * workflow_id and `at` added), and the text is cut before them and closed. Those four
 * repeated ~115 of an event's ~235 bytes, sent, parsed and written to the WAL for every
 * event. Any other event (fields in another order or after them, a value that JSON would
 * escape, no workflow id) is stored whole, with `at` NULL, as are the rows of releases
 * before the migration. EVENT_JSON rebuilds the text: the same characters JSON.stringify
 * gave, so the event reads back identical, key order included.
 */
export const EVENT_JSON = `CASE WHEN at IS NULL THEN event ELSE (left(event::text, -1) || ',"execution_id":"' || execution_id
  || '","workflow_id":"' || workflow_id || '","timestamp":"' || at || '","seq":' || seq || '}')::json END`;

/**
 * An append's parameters (see the INSERT of commit-steps.ts and execution-repo.ts). The
 * events go as one JSON array, which the server splits with json_array_elements, storing
 * each element's text as it stands; the integer and timestamp arrays as literals built
 * with one join, which the driver passes on as they stand (its own array formatting
 * prepares and escapes every element).
 */
export interface StoredEvents {
  /** The events' distinct executions, in order of first appearance. */
  ids: string[];
  /** Per execution in `ids`: the workflow id its compact events share, or null (stored whole). */
  workflows: Array<string | null>;
  /** Per event, as an int[] literal: its execution's place in `ids`, from 1 as SQL arrays count. */
  places: string;
  /** Per event, as a bigint[] literal: its seq. */
  seqs: string;
  /** Per event, as a text[] literal: its timestamp when stored compact, else NULL. */
  at: string;
  /** The events' stored texts as one JSON array. */
  json: string;
}

/** Strings JSON writes as they stand between quotes (so SQL can put them back by concatenation). */
const PLAIN = /^[^"\\\u0000-\u001f\u2028\u2029]*$/;
/** Timestamps that go unquoted in an array literal: never NULL, no separator, quote or space. */
const PLAIN_AT = /^[0-9][0-9A-Za-z:.+-]*$/;

export function storedEvents(events: readonly ExecutionEvent[]): StoredEvents {
  const ids: string[] = [];
  const workflows: Array<string | null> = [];
  const place = new Map<string, number>();
  const places: number[] = [];
  const seqs: number[] = [];
  const at: string[] = [];
  let json = '[';
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i] as ExecutionEvent;
    const id = event.execution_id;
    let where = place.get(id);
    if (where === undefined) {
      const workflow = event.workflow_id;
      where = ids.push(id);
      place.set(id, where);
      workflows.push(typeof workflow === 'string' && PLAIN.test(id) && PLAIN.test(workflow) ? workflow : null);
    }
    places.push(where);
    seqs.push(event.seq);
    const text = JSON.stringify(withoutPosition(event));
    const workflow = workflows[where - 1] as string | null;
    let stored = text;
    let stamp = 'NULL';
    if (workflow !== null && typeof event.timestamp === 'string' && PLAIN_AT.test(event.timestamp) && Number.isSafeInteger(event.seq)) {
      const tail = `,"execution_id":"${id}","workflow_id":"${workflow}","timestamp":"${event.timestamp}","seq":${event.seq}}`;
      // Longer than the tail and an opening brace: at least one field of its own stays.
      if (text.length > tail.length + 1 && text.endsWith(tail)) {
        stored = `${text.slice(0, text.length - tail.length)}}`;
        stamp = event.timestamp;
      }
    }
    json += i === 0 ? stored : `,${stored}`;
    at.push(stamp);
  }
  return { ids, workflows, places: `{${places.join(',')}}`, seqs: `{${seqs.join(',')}}`, at: `{${at.join(',')}}`, json: `${json}]` };
}
