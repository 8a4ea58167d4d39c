/**
 * One task: status, attempts (each linkable), input, output, error and the log of the
 * chosen attempt (the latest when none is chosen). A failed task's error carries the
 * last lines of its failed attempt's log, so the cause is read in one place. The live fold
 * holds no input, output or item list of what happened before the page opened: they are
 * read for this task (`GET /executions/{id}/tasks/{task}`), again when it changes state.
 */
import type { ExecutionStatus, TaskDef } from '../../../src/core/model.js';
import { mergeItems, type TaskView } from '../../../src/core/task-fold.js';
import { childExecutionIdOf } from '../../../src/core/unit-key.js';
import { formatDuration, formatJson, formatTime } from '../components/format.js';
import { StatusBadge } from '../components/status-badge.js';
import { useNow } from '../components/use-now.js';
import { useSession } from '../session.js';
import { useEffect, useState } from 'preact/hooks';
import { useAsync } from '../components/use-async.js';
import { ITEM_PAGE, ItemList } from './item-list.js';
import { LogLine } from './log-lines.js';
import { TaskControls } from './task-controls.js';
import { TaskLogSection } from './task-log.js';
import { useTaskLog } from './use-task-log.js';

/** Lines of the failed attempt's log shown under its error. */
const TAIL_LINES = 20;

export function TaskPanel(props: {
  executionId: string;
  taskId: string;
  task: TaskView | undefined;
  def: TaskDef | undefined;
  attempt: number | null;
  /** Whether the execution may still print (not finished): the log is followed live. */
  live: boolean;
  executionStatus: ExecutionStatus;
  /** A task control was applied: read the execution afresh. */
  onControl(): void;
  onAttempt(attempt: number): void;
  onClose(): void;
}) {
  const { task, def } = props;
  const { client, canWrite } = useSession();
  const base = `/ui/executions/${encodeURIComponent(props.executionId)}?task=${encodeURIComponent(props.taskId)}`;
  const focused = props.attempt === null ? undefined : task?.attempts.find((a) => a.attempt === props.attempt);
  // a fan-out's items each have attempts of the same numbers: the picker lists each number once
  const numbers = [...new Set(task?.attempts.map((a) => a.attempt) ?? [])].sort((a, b) => a - b);
  const shown = props.attempt ?? numbers.at(-1) ?? null;
  const log = useTaskLog(client, props.executionId, props.taskId, shown, props.live);
  const errorAttempt = task?.error?.attempt ?? null;
  // the failed attempt's tail comes from the log shown when it is that attempt's, else from its own read
  const errorLog = useTaskLog(client, props.executionId, props.taskId, errorAttempt !== shown ? errorAttempt : null, false);
  const tail = (errorAttempt === shown ? log : errorLog).lines.slice(-TAIL_LINES);
  const now = useNow(props.live && (task?.attempts.some((a) => a.finished_at === null) ?? false));
  const attemptCount = task?.attempts.length ?? 0;
  const [itemOffset, setItemOffset] = useState(0);
  // a new attempt of a fan-out brings its own items: start from their first page
  useEffect(() => setItemOffset(0), [attemptCount]);
  const detail = useAsync(
    async (signal) => {
      const read = await client.getExecutionTask(props.executionId, props.taskId, { itemOffset, itemLimit: ITEM_PAGE, signal });
      if (task?.items && read.items && read.items.total === task.items.total) mergeItems(task.items, read.items.items, read.last_seq);
      return read;
    },
    [client, props.executionId, props.taskId, task?.status, attemptCount, itemOffset],
  );
  const known = detail.kind === 'ready' ? detail.value : null;
  // what the stream brought is newer than what was read
  const input = task?.input !== undefined ? task.input : known?.input;
  const output = task?.output !== undefined ? task.output : known?.output;
  const itemsShown = known?.items?.offset === itemOffset;
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
      </dl>
      {canWrite && (
        <TaskControls
          client={client}
          executionId={props.executionId}
          taskId={props.taskId}
          executionStatus={props.executionStatus}
          taskStatus={task?.status ?? 'pending'}
          skipRequested={task?.skip_requested ?? false}
          onDone={props.onControl}
        />
      )}
      {task?.error && (
        <section class="task-error" aria-label="Error">
          <h3>Error</h3>
          <p role="alert">
            <code class="code">{task.error.type}</code> {task.error.message}
          </p>
          <p class="muted">
            attempt {task.error.attempt}, {task.error.retriable ? 'retriable' : 'not retriable'}
          </p>
          {tail.length > 0 && (
            <div class="log-tail" role="group" aria-label={`Last lines of attempt ${task.error.attempt}'s log`}>
              <p class="muted">Last lines of its log:</p>
              {tail.map((line) => (
                <LogLine key={line.seq} line={line} />
              ))}
            </div>
          )}
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
                {formatDuration((a.finished_at ? new Date(a.finished_at).getTime() : now) - new Date(a.started_at).getTime())}
                {/* a fan-out's children are one per item, linked in the item list */}
                {def?.action === 'core.workflow' && !task.items && (
                  <>
                    {' · '}
                    <a class="child-link" href={`/ui/executions/${encodeURIComponent(childExecutionIdOf(props.executionId, props.taskId, a.attempt))}`}>
                      child execution
                    </a>
                  </>
                )}
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
      {task?.items && (
        <ItemList
          executionId={props.executionId}
          taskId={props.taskId}
          items={task.items}
          offset={itemOffset}
          loaded={itemsShown}
          onOffset={setItemOffset}
          childLinks={def?.action === 'core.workflow'}
        />
      )}
      <TaskLogSection
        client={client}
        executionId={props.executionId}
        taskId={props.taskId}
        attempts={numbers}
        shown={shown}
        log={log}
        onAttempt={props.onAttempt}
      />
      {input !== undefined && (
        <section aria-label="Input">
          <h3>Input</h3>
          <pre class="json">{formatJson(input)}</pre>
        </section>
      )}
      {output !== undefined && (
        <section aria-label="Output">
          <h3>Output</h3>
          <pre class="json">{formatJson(output)}</pre>
        </section>
      )}
    </aside>
  );
}
