/** A Gantt view of every attempt of every task, on one time axis from the execution's start. */
import { formatDuration } from '../components/format.js';
import type { TaskView } from './fold-tasks.js';

export function Timeline(props: { tasks: readonly TaskView[]; startedAt: string; now: number; onSelect(id: string, attempt: number): void }) {
  const start = new Date(props.startedAt).getTime();
  const rows = props.tasks.filter((t) => t.attempts.length > 0);
  if (rows.length === 0) return <p class="muted">No task has started yet.</p>;
  let end = start + 1;
  for (const t of rows) for (const a of t.attempts) end = Math.max(end, a.finished_at ? new Date(a.finished_at).getTime() : props.now);
  const span = end - start;
  const pct = (ms: number) => `${((Math.max(0, ms - start) / span) * 100).toFixed(2)}%`;
  return (
    // past a few hundred rows the browser skips laying out the ones scrolled out of view
    <div class={rows.length > 300 ? 'timeline many' : 'timeline'} role="table" aria-label={`Timeline, ${formatDuration(span)} in all`}>
      {rows.map((task) => (
        <div class="timeline-row" role="row" key={task.id}>
          <span role="rowheader" class="timeline-label mono" title={task.id}>
            {task.id}
          </span>
          <span role="cell" class="timeline-track">
            {task.attempts.map((a) => {
              const from = new Date(a.started_at).getTime();
              const to = a.finished_at ? new Date(a.finished_at).getTime() : props.now;
              return (
                <button
                  type="button"
                  key={a.attempt}
                  class={`timeline-bar status-${a.outcome}`}
                  style={{ left: pct(from), width: `max(3px, ${(((to - from) / span) * 100).toFixed(2)}%)` }}
                  title={`${task.id} attempt ${a.attempt}: ${a.outcome}, ${formatDuration(to - from)}`}
                  aria-label={`${task.id} attempt ${a.attempt}: ${a.outcome}, ${formatDuration(to - from)}`}
                  onClick={() => props.onSelect(task.id, a.attempt)}
                />
              );
            })}
          </span>
        </div>
      ))}
    </div>
  );
}
