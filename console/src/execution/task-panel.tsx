/**
 * One task: status, attempts (each linkable), input, output and error. Task logs are not
 * served by the API yet; the Logs section says so rather than showing nothing.
 */
import type { TaskDef } from '../../../src/core/model.js';
import { formatDuration, formatJson, formatTime } from '../components/format.js';
import { StatusBadge } from '../components/status-badge.js';
import type { TaskView } from './fold-tasks.js';

export function TaskPanel(props: { executionId: string; taskId: string; task: TaskView | undefined; def: TaskDef | undefined; attempt: number | null; onClose(): void }) {
  const { task, def } = props;
  const base = `/ui/executions/${encodeURIComponent(props.executionId)}?task=${encodeURIComponent(props.taskId)}`;
  const focused = props.attempt === null ? undefined : task?.attempts.find((a) => a.attempt === props.attempt);
  return (
    <aside class="task-panel" aria-labelledby="task-title">
      <header>
        <h2 id="task-title">
          Task <span class="mono">{props.taskId}</span>
        </h2>
        <button type="button" class="link" onClick={props.onClose} aria-label="Close the task panel">
          Close
        </button>
      </header>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={task?.status ?? 'pending'} />
          {task?.skip_reason ? <span class="muted"> ({task.skip_reason})</span> : null}
        </dd>
        {def && (
          <>
            <dt>Action</dt>
            <dd class="mono">{def.action}</dd>
            {def.depends_on.length > 0 && (
              <>
                <dt>Depends on</dt>
                <dd class="mono">{def.depends_on.join(', ')}</dd>
              </>
            )}
          </>
        )}
        {task?.items && (
          <>
            <dt>Items</dt>
            <dd>
              {task.items.completed} completed, {task.items.failed} failed of {task.items.total}
            </dd>
          </>
        )}
      </dl>
      {task?.error && (
        <section class="task-error" aria-label="Error">
          <h3>Error</h3>
          <p role="alert">
            <code class="code">{task.error.type}</code> {task.error.message}
          </p>
          <p class="muted">
            attempt {task.error.attempt}, {task.error.retriable ? 'retriable' : 'not retriable'}
          </p>
        </section>
      )}
      <section aria-label="Attempts">
        <h3>Attempts</h3>
        {task === undefined || task.attempts.length === 0 ? (
          <p class="muted">Not started.</p>
        ) : (
          <ol class="attempts">
            {task.attempts.map((a) => (
              <li key={a.attempt} class={focused === a ? 'focused' : undefined}>
                <a href={`${base}&attempt=${a.attempt}`} aria-current={focused === a ? 'true' : undefined}>
                  #{a.attempt}
                </a>{' '}
                <StatusBadge status={a.outcome} /> {formatTime(a.started_at)} ·{' '}
                {formatDuration((a.finished_at ? new Date(a.finished_at).getTime() : Date.now()) - new Date(a.started_at).getTime())}
                {a.error && (
                  <div class="muted">
                    <code>{a.error.type}</code> {a.error.message}
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      {task?.input !== undefined && (
        <section aria-label="Input">
          <h3>Input</h3>
          <pre class="json">{formatJson(task.input)}</pre>
        </section>
      )}
      {task?.output !== undefined && (
        <section aria-label="Output">
          <h3>Output</h3>
          <pre class="json">{formatJson(task.output)}</pre>
        </section>
      )}
      <section aria-label="Logs">
        <h3>Logs</h3>
        <p class="muted">This server does not record task logs yet; a task's output and error are above.</p>
      </section>
    </aside>
  );
}
