/**
 * The execution's events, newest last. A long history shows its tail and reaches back a
 * thousand events at a time: a fan-out of thousands of items writes tens of thousands of
 * events, and drawing them all at once held the page for seconds. An event's data is
 * drawn when its row is opened, not before.
 */
import { useState } from 'preact/hooks';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { formatJson, formatTime } from '../components/format.js';

const TAIL = 100;
/** Events added by each "Show earlier". */
export const EARLIER_STEP = 1000;

export function EventHistory(props: { events: readonly ExecutionEvent[] }) {
  const [count, setCount] = useState(TAIL);
  const shown = props.events.length > count ? props.events.slice(-count) : props.events;
  const hidden = props.events.length - shown.length;
  return (
    <>
      {hidden > 0 && (
        <p>
          Showing the last {shown.length.toLocaleString()} of {props.events.length.toLocaleString()} events.{' '}
          <button type="button" class="link" onClick={() => setCount(count + EARLIER_STEP)}>
            Show {Math.min(hidden, EARLIER_STEP).toLocaleString()} earlier
          </button>
        </p>
      )}
      <table class="list events">
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Task</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((event) => (
            <tr key={event.seq} data-seq={event.seq}>
              <td class="mono">{event.seq}</td>
              <td>{formatTime(event.timestamp)}</td>
              <td class="mono">{event.event_type}</td>
              <td class="mono">{event.task_id ?? ''}</td>
              <td>{Object.keys(event.data).length > 0 && <EventData data={event.data} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function EventData(props: { data: ExecutionEvent['data'] }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{Object.keys(props.data).join(', ')}</summary>
      {open && <pre class="json">{formatJson(props.data)}</pre>}
    </details>
  );
}
