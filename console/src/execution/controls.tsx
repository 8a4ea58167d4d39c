/**
 * The operator's verbs for an execution, shown only to tokens that may write and only
 * when the status allows them. Rerun-from-a-task and skip-a-task name a task, so they
 * live in the task panel (task-controls.tsx).
 */
import { useState } from 'preact/hooks';
import type { ExecutionStatus } from '../../../src/core/model.js';
import type { ExecutionControlResult } from '../../../src/core/wire.js';
import type { HarmoniaClient } from '../client.js';
import { HarmoniaClientError } from '../client.js';
import { MASK } from '../../../src/core/secret-text.js';

interface Verb {
  label: string;
  when: readonly ExecutionStatus[];
  run(client: HarmoniaClient, id: string): Promise<ExecutionControlResult>;
  /** Asked before acting: the verb cannot be undone. */
  confirm?: string;
  danger?: boolean;
}

const VERBS: Verb[] = [
  { label: 'Pause', when: ['running', 'pending'], run: (c, id) => c.pauseExecution(id) },
  { label: 'Resume', when: ['paused'], run: (c, id) => c.resumeExecution(id) },
  { label: 'Retry', when: ['failed', 'canceled'], run: (c, id) => c.retryExecution(id) },
  { label: 'Cancel', when: ['running', 'pending', 'paused'], run: (c, id) => c.cancelExecution(id), danger: true },
  {
    label: 'Terminate',
    when: ['running', 'pending', 'paused'],
    run: (c, id) => c.terminateExecution(id),
    confirm: 'Terminate ends the execution at once, without running its error handlers. Terminate it?',
    danger: true,
  },
];

export function ExecutionControls(props: { client: HarmoniaClient; id: string; status: ExecutionStatus; canceling: boolean; onDone(): void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const available = VERBS.filter((v) => v.when.includes(props.status));
  if (available.length === 0) return null;
  const act = async (verb: Verb) => {
    if (verb.confirm !== undefined && !window.confirm(verb.confirm)) return;
    setBusy(verb.label);
    setError(null);
    try {
      await verb.run(props.client, props.id);
      props.onDone();
    } catch (caught) {
      setError(caught instanceof HarmoniaClientError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="controls" role="toolbar" aria-label="Execution controls">
      {available.map((verb) => (
        <button
          key={verb.label}
          type="button"
          class={verb.danger ? 'danger' : 'primary'}
          disabled={busy !== null || (props.canceling && verb.label === 'Cancel')}
          onClick={() => void act(verb)}
        >
          {busy === verb.label ? `${verb.label}…` : verb.label}
        </button>
      ))}
      {error !== null && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * Starts a new execution of the same workflow version with the same input. An input the
 * server masked (a secret input, a secret-named key, a URL password) is not the value the
 * execution ran with: sending it back would run with `**REDACTED**` as the secret, so the
 * button gives way to the workflow's run form, where the secret is typed again.
 */
export function RunAgain(props: {
  client: HarmoniaClient;
  workflowId: string;
  workflowRef: string;
  input: Record<string, unknown>;
  onStarted(id: string): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (JSON.stringify(props.input).includes(MASK)) {
    return (
      <p class="run-again-secret muted">
        <a href={`/ui/workflows/${encodeURIComponent(props.workflowRef)}?tab=run`}>Run again from the form</a>: this execution’s input
        holds secrets, which the server does not show.
      </p>
    );
  }
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await props.client.executeWorkflow({ workflow_id: props.workflowId, input: props.input });
      props.onStarted(next.id);
    } catch (caught) {
      setError(caught instanceof HarmoniaClientError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" disabled={busy} title="A new execution of this workflow version with the same input" onClick={() => void start()}>
        {busy ? 'Starting…' : 'Run again'}
      </button>
      {error !== null && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
