/**
 * The verbs on one task, in its panel: rerun a finished execution from this task, and
 * skip a task that has not started in a running or paused execution. Shown to tokens
 * that may write, and only when the execution's and the task's status allow them, so
 * the server's 409 stays a race rather than the usual answer.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ExecutionStatus } from '../../../src/core/model.js';
import type { HarmoniaClient } from '../client.js';
import { HarmoniaClientError } from '../client.js';

const FINISHED: readonly ExecutionStatus[] = ['completed', 'failed', 'canceled'];
const SKIPPABLE: readonly ExecutionStatus[] = ['running', 'paused'];

export function TaskControls(props: {
  client: HarmoniaClient;
  executionId: string;
  taskId: string;
  executionStatus: ExecutionStatus;
  /** The task's own status; a task that has not started is 'pending'. */
  taskStatus: string;
  /** A skip was requested already and waits for the task's upstream. */
  skipRequested: boolean;
  onDone(): void;
}) {
  const [busy, setBusy] = useState<'rerun' | 'skip' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // what was requested is old news once the statuses move; the DAG shows the rest
  useEffect(() => setDone(null), [props.executionStatus, props.taskStatus]);
  const canRerun = FINISHED.includes(props.executionStatus);
  const pending = SKIPPABLE.includes(props.executionStatus) && props.taskStatus === 'pending';
  const canSkip = pending && !props.skipRequested;
  if (pending && props.skipRequested) {
    return (
      <p class="notice task-controls" role="status">
        Skip requested: this task is skipped when its upstream is done.
      </p>
    );
  }
  if (!canRerun && !canSkip) return null;
  const hintId = `task-controls-hint-${props.taskId}`;

  const act = async (verb: 'rerun' | 'skip') => {
    setBusy(verb);
    setError(null);
    setDone(null);
    try {
      if (verb === 'rerun') await props.client.rerunExecution(props.executionId, props.taskId);
      else await props.client.skipTask(props.executionId, props.taskId);
      setDone(verb === 'rerun' ? `Rerunning from ${props.taskId}.` : `Skip of ${props.taskId} requested.`);
      props.onDone();
    } catch (caught) {
      setError(caught instanceof HarmoniaClientError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="task-controls" aria-label="Task controls">
      <div class="controls" role="toolbar" aria-label={`Controls of task ${props.taskId}`}>
        {canRerun && (
          <button type="button" class="primary" disabled={busy !== null} aria-describedby={hintId} onClick={() => void act('rerun')}>
            {busy === 'rerun' ? 'Rerunning…' : 'Rerun from here'}
          </button>
        )}
        {canSkip && (
          <button type="button" disabled={busy !== null} aria-describedby={hintId} onClick={() => void act('skip')}>
            {busy === 'skip' ? 'Skipping…' : 'Skip'}
          </button>
        )}
      </div>
      <p id={hintId} class="muted hint">
        {canRerun
          ? 'Rerun from here runs this task and every task downstream of it again, in this execution; the tasks upstream keep their results.'
          : 'Skip marks this task skipped without running it; the tasks that depend on it run as if it had completed. It takes effect when the task’s upstream is done, so a task still waiting on others stays pending until then.'}
      </p>
      <p role="status" class="muted">
        {done}
      </p>
      {error !== null && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
