/**
 * A Gantt view of every attempt of every task, on one time axis from the execution's
 * start. Past WINDOW_ABOVE rows only the rows scrolled into view (and a few around them)
 * are in the DOM, so a thousand-task execution costs what a short one does.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../components/format.js';
import { useNow } from '../components/use-now.js';
import type { TaskView } from '../../../src/core/task-fold.js';

const ROW_HEIGHT = 22;
const WINDOW_ABOVE = 300;
const OVERSCAN_ROWS = 10;

export function Timeline(props: {
  tasks: readonly TaskView[];
  startedAt: string;
  /** When the execution finished (ms), or null: running attempts then end at the ticking now. */
  finishedAt: number | null;
  /** The execution has not finished: running bars grow every second. */
  live: boolean;
  onSelect(id: string, attempt: number): void;
}) {
  const now = useNow(props.live && props.finishedAt === null);
  const until = props.finishedAt ?? now;
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 420 });
  const rows = props.tasks.filter((t) => t.attempts.length > 0);
  const windowed = rows.length > WINDOW_ABOVE;
  useEffect(() => {
    const element = scroller.current;
    if (!windowed || element === null) return undefined;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView({ top: element.scrollTop, height: element.clientHeight });
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener('scroll', schedule, { passive: true });
    return () => {
      element.removeEventListener('scroll', schedule);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [windowed]);

  if (rows.length === 0) return <p class="muted">No task has started yet.</p>;
  const start = new Date(props.startedAt).getTime();
  let end = start + 1;
  for (const t of rows) for (const a of t.attempts) end = Math.max(end, a.finished_at ? new Date(a.finished_at).getTime() : until);
  const span = end - start;
  const pct = (ms: number) => `${((Math.max(0, ms - start) / span) * 100).toFixed(2)}%`;
  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN_ROWS) : 0;
  const last = windowed ? Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN_ROWS) : rows.length;
  return (
    <div class="timeline" ref={scroller} role="table" aria-label={`Timeline of ${rows.length} tasks, ${formatDuration(span)} in all`} aria-rowcount={rows.length}>
      {first > 0 && <div style={{ height: `${first * ROW_HEIGHT}px` }} aria-hidden="true" />}
      {rows.slice(first, last).map((task, index) => (
        <div class="timeline-row" role="row" key={task.id} aria-rowindex={first + index + 1}>
          <span role="rowheader" class="timeline-label mono" title={task.id}>
            {task.id}
          </span>
          <span role="cell" class="timeline-track">
            {task.attempts.map((a) => {
              const from = new Date(a.started_at).getTime();
              const to = a.finished_at ? new Date(a.finished_at).getTime() : until;
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
      {last < rows.length && <div style={{ height: `${(rows.length - last) * ROW_HEIGHT}px` }} aria-hidden="true" />}
    </div>
  );
}
