/**
 * One execution, live: header and controls, the DAG coloured by task status, the task
 * panel (deep-linked as ?task=ID&attempt=N), the timeline of attempts, the event
 * history, checkpoints and custom state.
 */
import { lazy, useLocation, useRoute } from 'preact-iso';
import { Suspense } from 'preact/compat';
import { useEffect, useMemo } from 'preact/hooks';
import type { TaskDef } from '../../../src/core/model.js';
import { formatDuration, formatJson, formatTime, shortId } from '../components/format.js';
import { ErrorState, Loading } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useNow } from '../components/use-now.js';
import { ExplainFailure } from '../assistant/explain-failure.js';
import { CheckpointsPanel, CustomState } from '../execution/checkpoints-panel.js';
import { ExecutionControls, RunAgain } from '../execution/controls.js';
import { EventHistory } from '../execution/event-history.js';
import { TaskPanel } from '../execution/task-panel.js';
import { Timeline } from '../execution/timeline.js';
import { triggerHref } from '../execution/started-by.js';
import { useLiveExecution, type LiveExecution } from '../execution/use-live-execution.js';
import { WaitsPanel } from '../execution/waits-panel.js';
import { useSession } from '../session.js';
import { UnauthorizedError } from '../client.js';

const STREAM_TEXT: Record<LiveExecution['stream'], string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting… (the server is not answering)',
  lost: 'Disconnected',
};
const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled']);
const loadDagView = () => import('../execution/dag-view.js');
const DagView = lazy(loadDagView);

export function ExecutionPage() {
  const { params } = useRoute();
  const { query, route, path } = useLocation();
  const { client, canWrite, session } = useSession();
  const id = params.id ?? '';
  // the graph code is fetched while the execution's data loads, not after
  useEffect(() => void loadDagView().catch(() => undefined), []);
  const live = useLiveExecution(client, id);
  const selected = query.task ?? null;
  const attempt = query.attempt !== undefined && /^\d+$/.test(query.attempt) ? Number(query.attempt) : null;

  const tasks: TaskDef[] = useMemo(() => live.workflow?.definition.tasks ?? [], [live.workflow]);
  const statuses = useMemo(() => {
    const map = new Map<string, string>();
    for (const task of tasks) map.set(task.id, live.fold.tasks.get(task.id)?.status ?? 'pending');
    return map;
    // the fold is mutated in place; its version says when it changed
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tasks, live.version]);

  if (live.kind === 'loading') return <Loading what="the execution" />;
  if (live.kind === 'error' || live.record === null) return <ErrorState error={live.error ?? new Error('not found')} onRetry={live.refresh} />;
  const record = live.record;
  const status = live.fold.status ?? record.status;
  const select = (taskId: string | null, n?: number) => {
    const params = new URLSearchParams();
    if (taskId !== null) params.set('task', taskId);
    if (n !== undefined) params.set('attempt', String(n));
    const text = params.toString();
    route(`${path}${text ? `?${text}` : ''}`, true);
  };
  const startedAt = record.started_at ?? record.created_at;
  const finishedAt = record.finished_at ? new Date(record.finished_at).getTime() : null;
  const trigger = live.fold.started_by;
  const counts = new Map<string, number>();
  for (const s of statuses.values()) counts.set(s, (counts.get(s) ?? 0) + 1);

  return (
    <article class="execution" aria-labelledby="execution-title">
      <header class="page-head">
        <div>
          <p class="crumbs">
            <a href="/ui/executions">Executions</a> /
          </p>
          <h1 id="execution-title">
            <a href={`/ui/workflows/${encodeURIComponent(record.workflow_ref)}`}>{record.workflow_ref}</a>{' '}
            <span class="muted">v{record.workflow_version}</span> <StatusBadge status={status} />
          </h1>
          <p class="muted mono" title="execution id">
            {record.id}
          </p>
        </div>
        <div class="head-side">
          {live.stream === 'lost' && live.error instanceof UnauthorizedError && <ErrorState error={live.error} />}
          <p class={`stream stream-${live.stream}`} role="status" aria-live="polite">
            {STREAM_TEXT[live.stream]}
            {live.stream === 'lost' && !(live.error instanceof UnauthorizedError) && (
              <button type="button" class="link" onClick={live.refresh}>
                Reconnect
              </button>
            )}
          </p>
          {canWrite && (
            <ExecutionControls client={client} id={record.id} status={status} canceling={record.canceling} onDone={live.refresh} />
          )}
          {canWrite && (
            <RunAgain
              client={client}
              workflowId={record.workflow_id}
              workflowRef={record.workflow_ref}
              input={record.input}
              onStarted={(next) => route(`/ui/executions/${encodeURIComponent(next)}`)}
            />
          )}
        </div>
      </header>

      <dl class="facts inline">
        <dt>Started</dt>
        <dd>{formatTime(startedAt)}</dd>
        <dt>Duration</dt>
        <dd>
          <ExecutionDuration startedAt={startedAt} finishedAt={finishedAt} running={!FINISHED.has(status)} />
        </dd>
        <dt>Tasks</dt>
        <dd data-completed={counts.get('completed') ?? 0}>
          {[...counts.entries()].map(([s, n]) => (
            <span key={s} class="count">
              <StatusBadge status={s} /> {n}
            </span>
          ))}
        </dd>
        {trigger && (
          <>
            <dt>Started by</dt>
            <dd data-trigger={trigger.id}>
              {/* webhook and after: triggers have no schedule page; the id still says which */}
              {trigger.reason === 'webhook' || trigger.reason === 'after' ? (
                <span class="mono">{trigger.id}</span>
              ) : (
                <a href={triggerHref(trigger.id)}>{trigger.id}</a>
              )}
              {trigger.reason && <> ({trigger.reason})</>}
              {trigger.scheduled_at && (
                <>
                  {' '}
                  for <time dateTime={trigger.scheduled_at}>{formatTime(trigger.scheduled_at)}</time>
                </>
              )}
            </dd>
          </>
        )}
        {record.parent_execution_id && (
          <>
            <dt>Parent</dt>
            <dd>
              <a href={`/ui/executions/${encodeURIComponent(record.parent_execution_id)}`}>{shortId(record.parent_execution_id)}</a>
            </dd>
          </>
        )}
      </dl>

      {record.error && (
        <div class="state error" role="alert">
          <p>
            <code class="code">{record.error.type}</code> {record.error.message}
          </p>
        </div>
      )}
      {status === 'failed' && <ExplainFailure key={record.id} client={client} executionId={record.id} />}
      {!FINISHED.has(status) && <WaitsPanel client={client} executionId={record.id} scopes={session.scopes} version={live.version} status={status} />}

      <div class={`graph-and-panel${selected !== null ? ' with-panel' : ''}`}>
        <section aria-labelledby="graph-title">
          <h2 id="graph-title">Graph</h2>
          {live.workflow === null ? (
            <p class="muted">The workflow version of this execution could not be read.</p>
          ) : (
            <Suspense fallback={<Loading what="the graph" />}>
              <DagView tasks={tasks} statuses={statuses} selected={selected} onSelect={(t) => select(t)} label={`Tasks of ${record.workflow_ref}`} />
            </Suspense>
          )}
        </section>
        {selected !== null && live.workflow !== null && !tasks.some((t) => t.id === selected) && (
          // a link to a task this version does not have (mistyped, or renamed in another version)
          <aside class="task-panel" aria-labelledby="task-title">
            <header>
              <h2 id="task-title">
                Task <span class="mono">{selected}</span>
              </h2>
              <button type="button" class="link" onClick={() => select(null)} aria-label="Close the task panel">
                Close
              </button>
            </header>
            <p class="state error" role="alert">
              This execution has no task <span class="mono">{selected}</span>: its workflow version has {tasks.length}{' '}
              {tasks.length === 1 ? 'task' : 'tasks'}, shown in the graph.
            </p>
          </aside>
        )}
        {selected !== null && (live.workflow === null || tasks.some((t) => t.id === selected)) && (
          <TaskPanel
            key={selected}
            executionId={record.id}
            taskId={selected}
            task={live.fold.tasks.get(selected)}
            def={tasks.find((t) => t.id === selected)}
            attempt={attempt}
            live={!FINISHED.has(status)}
            executionStatus={status}
            onControl={live.refresh}
            onAttempt={(n) => select(selected, n)}
            onClose={() => select(null)}
          />
        )}
      </div>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline tasks={[...live.fold.tasks.values()]} startedAt={startedAt} finishedAt={finishedAt} live={!FINISHED.has(status)} onSelect={(t, n) => select(t, n)} />
      </section>

      <div class="columns">
        <section aria-labelledby="input-title">
          <h2 id="input-title">Input</h2>
          <pre class="json">{formatJson(record.input)}</pre>
          {record.output && (
            <>
              <h2>Output</h2>
              <pre class="json">{formatJson(record.output)}</pre>
            </>
          )}
        </section>
        <section aria-labelledby="state-title">
          <h2 id="state-title">Custom state</h2>
          <CustomState executionId={record.id} version={record.last_seq} />
          <h2>Checkpoints</h2>
          <CheckpointsPanel executionId={record.id} />
        </section>
      </div>

      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <EventHistory key={record.id} client={client} executionId={record.id} events={live.events} total={live.fold.last_seq} />
      </section>
    </article>
  );
}

/** The execution's duration so far, growing every second while it runs. */
function ExecutionDuration(props: { startedAt: string; finishedAt: number | null; running: boolean }) {
  const now = useNow(props.running && props.finishedAt === null);
  return <>{formatDuration((props.finishedAt ?? now) - new Date(props.startedAt).getTime())}</>;
}
