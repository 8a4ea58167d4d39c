/** Fires of a schedule (recent ones, or what a backfill did): time, why, what came of it, its execution. */
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { formatTime, shortId } from '../components/format.js';

export function FiresTable(props: { fires: readonly TriggerFireRecord[]; label: string }) {
  if (props.fires.length === 0) return <p class="muted">No fires yet.</p>;
  return (
    <table class="list" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Scheduled for</th>
          <th scope="col">Reason</th>
          <th scope="col">Outcome</th>
          <th scope="col">Execution</th>
        </tr>
      </thead>
      <tbody>
        {props.fires.map((f) => (
          <tr key={`${f.trigger_id}@${f.scheduled_at}`}>
            <td>
              <time dateTime={f.scheduled_at}>{formatTime(f.scheduled_at)}</time>
            </td>
            <td>{f.reason}</td>
            <td>
              <span class={`badge fire-${f.status}`}>{f.status}</span>
              {f.detail && <span class="muted"> {f.detail}</span>}
            </td>
            <td>
              {f.execution_id ? (
                <a class="mono" href={`/ui/executions/${encodeURIComponent(f.execution_id)}`}>
                  {shortId(f.execution_id)}
                </a>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
