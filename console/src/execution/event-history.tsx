/**
 * The execution's events, newest last. The page loads the last events of the history and
 * the stream adds the rest; earlier ones are read a thousand at a time on demand: a fan-out
 * of thousands of items writes tens of thousands of events, and reading or drawing them all
 * held the page for seconds. An event's data is drawn when its row is opened, not before.
 */
import { useState } from 'preact/hooks';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { HarmoniaClient } from '../client.js';
import { formatJson, formatTime } from '../components/format.js';
import { HISTORY_TAIL } from './use-live-execution.js';

/** Events added by each "Show earlier". */
export const EARLIER_STEP = 1000;

export function EventHistory(props: {
  client: HarmoniaClient;
  executionId: string;
  /** The latest events, seqs without a gap, the last one at `total`. */
  events: readonly ExecutionEvent[];
  /** Events in the history (seqs run from 1 without a gap). */
  total: number;
}) {
  const [count, setCount] = useState(HISTORY_TAIL);
  const [earlier, setEarlier] = useState<ExecutionEvent[]>([]);
  const [reading, setReading] = useState<{ busy: boolean; error: Error | null }>({ busy: false, error: null });
  const known = earlier.length === 0 ? props.events : [...earlier, ...props.events];
  const shown = known.length > count ? known.slice(-count) : known;
  const hidden = Math.max(0, props.total - shown.length);
  const showEarlier = async () => {
    const next = count + EARLIER_STEP;
    const firstSeq = known[0]?.seq ?? props.total + 1;
    const missing = Math.min(next - known.length, firstSeq - 1);
    if (missing > 0) {
      setReading({ busy: true, error: null });
      try {
        const page = await props.client.listEvents(props.executionId, { afterSeq: firstSeq - 1 - missing, limit: missing });
        setEarlier((before) => [...page.events, ...before]);
        setReading({ busy: false, error: null });
      } catch (error) {
        setReading({ busy: false, error: error instanceof Error ? error : new Error(String(error)) });
        return;
      }
    }
    setCount(next);
  };
  return (
    <>
      {hidden > 0 && (
        <p>
          Showing the last {shown.length.toLocaleString()} of {props.total.toLocaleString()} events.{' '}
          <button type="button" class="link" disabled={reading.busy} onClick={() => void showEarlier()}>
            Show {Math.min(hidden, EARLIER_STEP).toLocaleString()} earlier
          </button>
          {reading.error && (
            <span role="alert" class="muted">
              {' '}
              Could not read them: {reading.error.message}
            </span>
          )}
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
