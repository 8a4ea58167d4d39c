/** The execution's events, newest last; long histories show their tail until asked for all. */
import { useState } from 'preact/hooks';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { formatJson, formatTime } from '../components/format.js';

const TAIL = 100;

export function EventHistory(props: { events: readonly ExecutionEvent[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? props.events : props.events.slice(-TAIL);
  return (
    <>
      {shown.length < props.events.length && (
        <p>
          Showing the last {shown.length} of {props.events.length} events.{' '}
          <button type="button" class="link" onClick={() => setAll(true)}>
            Show all
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
              <td>
                {Object.keys(event.data).length > 0 && (
                  <details>
                    <summary>{Object.keys(event.data).join(', ')}</summary>
                    <pre class="json">{formatJson(event.data)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
